/// The `lambda:` actions of the AWS Lambda service authorization reference, with the resource types each accepts.
///
/// Source: "Actions, resources, and condition keys for AWS Lambda" (Service Authorization Reference) and the Lambda
/// API operation list (2026), including the permission-only actions `InvokeFunctionUrl`, `EnableReplication`,
/// `DisableReplication`. An action with no resource type accepts only `"Resource": "*"`.
public enum LambdaActions: Sendable {
    /// A Lambda resource type as the authorization reference names it.
    public enum ResourceType: String, Sendable, Hashable, CaseIterable {
        /// `function:<name>` with or without a version/alias qualifier.
        case function
        /// `layer:<name>`.
        case layer
        /// `layer:<name>:<version>`.
        case layerVersion
        /// `event-source-mapping:<uuid>`.
        case eventSourceMapping
        /// `code-signing-config:<id>`.
        case codeSigningConfig
        /// `capacity-provider:<name>`.
        case capacityProvider

        /// The resource type of a Lambda ARN's resource part (`function:f:prod` → function), if recognised.
        public static func of(resource: Substring) -> ResourceType? {
            let pieces = resource.split(separator: ":", omittingEmptySubsequences: false)
            switch pieces.first {
            case "function": return .function
            case "layer": return pieces.count >= 3 ? .layerVersion : .layer
            case "event-source-mapping": return .eventSourceMapping
            case "code-signing-config": return .codeSigningConfig
            case "capacity-provider": return .capacityProvider
            default: return nil
            }
        }
    }

    /// Every action name (without the `lambda:` prefix) mapped to the resource types it accepts (empty: `*` only).
    public static let resourceTypes: [String: Set<ResourceType>] = {
        let f: Set<ResourceType> = [.function]
        let lv: Set<ResourceType> = [.layerVersion]
        let esm: Set<ResourceType> = [.eventSourceMapping]
        let csc: Set<ResourceType> = [.codeSigningConfig]
        let cp: Set<ResourceType> = [.capacityProvider]
        let taggable: Set<ResourceType> = [.function, .codeSigningConfig, .eventSourceMapping, .capacityProvider]
        let none: Set<ResourceType> = []
        return [
            "AddLayerVersionPermission": lv, "AddPermission": f, "CheckpointDurableExecution": f,
            "CreateAlias": f, "CreateCapacityProvider": cp, "CreateCodeSigningConfig": none,
            "CreateEventSourceMapping": none, "CreateFunction": f, "CreateFunctionUrlConfig": f,
            "DeleteAlias": f, "DeleteCapacityProvider": cp, "DeleteCodeSigningConfig": csc,
            "DeleteEventSourceMapping": esm, "DeleteFunction": f, "DeleteFunctionCodeSigningConfig": f,
            "DeleteFunctionConcurrency": f, "DeleteFunctionEventInvokeConfig": f, "DeleteFunctionUrlConfig": f,
            "DeleteLayerVersion": lv, "DeleteProvisionedConcurrencyConfig": f, "DisableReplication": f,
            "EnableReplication": f, "GetAccountSettings": none, "GetAlias": f, "GetCapacityProvider": cp,
            "GetCodeSigningConfig": csc, "GetDurableExecution": f, "GetDurableExecutionHistory": f,
            "GetDurableExecutionState": f, "GetEventSourceMapping": esm, "GetFunction": f,
            "GetFunctionCodeSigningConfig": f, "GetFunctionConcurrency": f, "GetFunctionConfiguration": f,
            "GetFunctionEventInvokeConfig": f, "GetFunctionRecursionConfig": f, "GetFunctionScalingConfig": f,
            "GetFunctionUrlConfig": f, "GetLayerVersion": lv, "GetLayerVersionPolicy": lv, "GetPolicy": f,
            "GetProvisionedConcurrencyConfig": f, "GetRuntimeManagementConfig": f, "InvokeAsync": f,
            "InvokeFunction": f, "InvokeFunctionUrl": f, "ListAliases": f, "ListCapacityProviders": none,
            "ListCodeSigningConfigs": none, "ListDurableExecutionsByFunction": f, "ListEventSourceMappings": none,
            "ListFunctionEventInvokeConfigs": f, "ListFunctionUrlConfigs": f, "ListFunctions": none,
            "ListFunctionsByCodeSigningConfig": csc, "ListFunctionVersionsByCapacityProvider": cp,
            "ListLayerVersions": none, "ListLayers": none, "ListProvisionedConcurrencyConfigs": f,
            "ListTags": taggable, "ListVersionsByFunction": f, "PublishLayerVersion": [.layer], "PublishVersion": f,
            "PutFunctionCodeSigningConfig": [.function, .codeSigningConfig], "PutFunctionConcurrency": f,
            "PutFunctionEventInvokeConfig": f, "PutFunctionRecursionConfig": f, "PutFunctionScalingConfig": f,
            "PutProvisionedConcurrencyConfig": f, "PutRuntimeManagementConfig": f, "RemoveLayerVersionPermission": lv,
            "RemovePermission": f, "SendDurableExecutionCallbackFailure": f,
            "SendDurableExecutionCallbackHeartbeat": f, "SendDurableExecutionCallbackSuccess": f,
            "StopDurableExecution": f, "TagResource": taggable, "UntagResource": taggable, "UpdateAlias": f,
            "UpdateCapacityProvider": cp, "UpdateCodeSigningConfig": csc, "UpdateEventSourceMapping": esm,
            "UpdateFunctionCode": f, "UpdateFunctionCodeSigningConfig": f, "UpdateFunctionConfiguration": f,
            "UpdateFunctionEventInvokeConfig": f, "UpdateFunctionUrlConfig": f,
        ]
    }()

    /// Every action name, sorted.
    public static var all: [String] { resourceTypes.keys.sorted() }

    private static let byLowercasedName: [String: String] = {
        var result: [String: String] = [:]
        for name in resourceTypes.keys { result[name.lowercased()] = name }
        return result
    }()

    /// The canonical spelling of an action name (case-insensitive lookup, without `lambda:`), or `nil` if unknown.
    public static func canonicalName(_ name: String) -> String? {
        byLowercasedName[name.lowercased()]
    }
}
