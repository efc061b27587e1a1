import DBLambdaCredentials
import Testing

@Suite("Region resolution")
struct RegionResolverTests {
    @Test("explicit beats AWS_REGION beats AWS_DEFAULT_REGION beats the profile's region")
    func order() async throws {
        try await withTemporaryHome { home in
            try home.write(".aws/config", "[default]\nregion = ap-south-1\n[profile dev]\nregion = eu-north-1\n")
            let full = home.environment(["AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "us-west-1"])
            #expect(try RegionResolver.resolveRegion(explicit: "sa-east-1", environment: full) == "sa-east-1")
            #expect(try RegionResolver.resolveRegion(explicit: "", environment: full) == "us-east-2")
            #expect(
                try RegionResolver.resolveRegion(environment: home.environment(["AWS_DEFAULT_REGION": "us-west-1"]))
                    == "us-west-1"
            )
            #expect(try RegionResolver.resolveRegion(environment: home.environment()) == "ap-south-1")
            #expect(try RegionResolver.resolveRegion(environment: home.environment(), profile: "dev") == "eu-north-1")
            #expect(
                try RegionResolver.resolveRegion(environment: home.environment(["AWS_PROFILE": "dev"])) == "eu-north-1"
            )
        }
    }

    @Test("no region anywhere is nil; a malformed config file is an error")
    func noneAndMalformed() async throws {
        try await withTemporaryHome { home in
            #expect(try RegionResolver.resolveRegion(environment: home.environment()) == nil)
            #expect(try RegionResolver.resolveRegion(environment: [:]) == nil)
            try home.write(".aws/config", "region = x\n")
            #expect(throws: CredentialsError.malformedFile) {
                try RegionResolver.resolveRegion(environment: home.environment())
            }
        }
    }
}
