// Fuzz target: ARN parsing (DBLambdaCore) and everything that reads ARN-like text: the typed views (Lambda
// function, RDS instance and cluster, IAM role), regions, account ids, qualifiers, partitions, and the function
// identifiers of DBLambdaInvoke. A parsed value must print as text that parses back to the same value, and JSON
// round trips must hold.
import CFuzzDriver
import DBLambdaCore
import DBLambdaInvoke
import Foundation
import FuzzSupport

/// Checks that `value` survives a JSON round trip.
private func checkCodable<Value: Codable & Equatable>(_ value: Value) {
    guard let data = try? JSONEncoder().encode([value]) else {
        fuzzCheck(false, "cannot encode \(Value.self)")
        return
    }
    let decoded = try? JSONDecoder().decode([Value].self, from: data)
    fuzzCheck(decoded == [value], "\(Value.self) changes in a JSON round trip")
}

/// One fuzz input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzARN(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)

    if let arn = try? ARN(parsing: text) {
        fuzzCheck((try? ARN(parsing: arn.description)) == arn, "an ARN does not parse back from its description")
        _ = (arn.accountID, arn.resourceType, arn.resourceID, arn.resourceSeparator)
        checkCodable(arn)
        if let function = try? LambdaFunctionARN(arn) {
            fuzzCheck(
                (try? LambdaFunctionARN(parsing: function.description)) == function,
                "a function ARN does not parse back"
            )
            _ = function.unqualified
            _ = function.withQualifier(.latest)
            checkCodable(function)
            _ = LambdaFunctionIdentifier(function).description
        }
        if let instance = try? RDSInstanceARN(arn) {
            fuzzCheck((try? RDSInstanceARN(parsing: instance.description)) == instance, "an RDS ARN does not parse")
            checkCodable(instance)
        }
        if let cluster = try? RDSClusterARN(arn) {
            fuzzCheck((try? RDSClusterARN(parsing: cluster.description)) == cluster, "a cluster ARN does not parse")
            checkCodable(cluster)
        }
        if let role = try? IAMRoleARN(arn) {
            fuzzCheck((try? IAMRoleARN(parsing: role.description)) == role, "a role ARN does not parse back")
            checkCodable(role)
        }
    } else {
        _ = try? LambdaFunctionARN(parsing: text)
        _ = try? RDSInstanceARN(parsing: text)
        _ = try? RDSClusterARN(parsing: text)
        _ = try? IAMRoleARN(parsing: text)
    }

    if let region = try? Region(text) {
        let partition = region.partition
        _ = partition.hostname(service: "lambda", region: region, fips: true, dualStack: true)
        _ = partition.hostname(service: "lambda", region: region)
        checkCodable(region)
    }
    _ = Partition.for(region: text)
    if let account = try? AccountID(text) { checkCodable(account) }
    if let qualifier = try? LambdaQualifier(text) {
        _ = (qualifier.version, qualifier.alias, qualifier.kind.description)
        checkCodable(qualifier)
    }
    _ = try? LambdaQualifier.alias(text)
    _ = RDSIdentifier.isValid(text)
    do {
        let identifier = try LambdaFunctionIdentifier(text)
        _ = (identifier.functionName, identifier.qualifier, identifier.arn)
    } catch {
        _ = error.description
    }
    return 0
}

/// The executable's entry point (SwiftPM links `main` to `<Target>_main`): runs libFuzzer's driver.
@_cdecl("FuzzARN_main")
public func fuzzARNMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzARN)
}
