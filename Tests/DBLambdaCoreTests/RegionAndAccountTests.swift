import DBLambdaCore
import Testing

@Suite("Region and AccountID")
struct RegionAndAccountTests {
    @Test(
        "well-formed region names are accepted and kept as written",
        arguments: ["us-east-1", "eusc-de-east-1", "us-isob-east-1", "us-gov-west-1", "ap-southeast-7", "xx-a1b-22"]
    )
    func validRegion(name: String) throws {
        let region = try Region(name)
        #expect(region.name == name)
        #expect(region.description == name)
    }

    @Test(
        "malformed region names throw invalidRegion",
        arguments: [
            "", "us", "us-east", "US-EAST-1", "us-East-1", "us-east-x", "us--east-1", "us-east-1-", "1s-east-1",
            "us-east-1 ", " us-east-1", "us-eäst-1", "us_east-1", "us-east-\n1",
            "a-" + String(repeating: "b", count: 61) + "-1",
        ]
    )
    func invalidRegion(name: String) {
        #expect(throws: ARNError.invalidRegion) { try Region(name) }
    }

    @Test("the invalid-region message quotes the input")
    func invalidRegionMessage() throws {
        let error = try #require(throws: ARNError.self) { try Region("US-EAST-1") }
        #expect(error.code == .invalidRegion)
        #expect(error.description.hasPrefix("invalid region \"US-EAST-1\": expected"))
    }

    @Test("static regions are valid and in the right partition")
    func staticRegions() throws {
        let all: [Region] = [
            .usEast1, .usEast2, .usWest1, .usWest2, .euWest1, .euCentral1, .apNortheast1, .apSoutheast1,
        ]
        for region in all {
            #expect(try Region(region.name) == region)
            #expect(region.partition == .aws)
        }
        #expect(Region.cnNorth1.partition == .awsCN)
        #expect(Region.usGovWest1.partition == .awsUSGov)
        #expect(Region.euscDeEast1.partition == .awsEUSC)
        #expect(Region.euscDeEast1.name == "eusc-de-east-1")
    }

    @Test("account ids are exactly 12 ASCII digits and keep leading zeros")
    func validAccount() throws {
        let account = try AccountID("000000000042")
        #expect(account.value == "000000000042")
        #expect(account.description == "000000000042")
        #expect(try AccountID("123456789012") != account)
    }

    @Test(
        "anything but 12 ASCII digits throws invalidAccountID",
        arguments: [
            "", "12345", "12345678901", "1234567890123", "12345678901a", "-12345678901", "1234 5678901",
            "١٢٣٤٥٦٧٨٩٠١٢", "１２３４５６７８９０１２", "aws",
        ]
    )
    func invalidAccount(value: String) {
        #expect(throws: ARNError.invalidAccountID) { try AccountID(value) }
    }

    @Test("the invalid-account message says 12 digits")
    func invalidAccountMessage() throws {
        let error = try #require(throws: ARNError.self) { try AccountID("12345") }
        #expect(error.message == "invalid account id \"12345\": expected 12 digits")
    }
}
