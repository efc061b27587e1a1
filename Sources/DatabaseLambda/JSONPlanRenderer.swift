import DBLambdaCore
import DBLambdaEvents
import DBLambdaIAM
import Foundation

/// Renders a plan as JSON for tooling: keys sorted, two-space indentation, slashes not escaped, policies embedded
/// as JSON objects, every optional field present (as `null` when unset) so the shape is stable.
enum JSONPlanRenderer: Sendable {
    static func render(_ plan: IntegrationPlan) -> String {
        var output = ""
        write(document(plan), indent: 0, into: &output)
        return output + "\n"
    }

    static func document(_ plan: IntegrationPlan) -> JSONValue {
        let database = plan.database
        let function = plan.function
        let permission = plan.resourcePermission
        return object([
            ("format", "dblambda-plan"),
            ("version", 1),
            ("name", .string(plan.name)),
            ("delivery", .string(plan.delivery.rawValue)),
            ("outbox", plan.outbox.map(outbox) ?? .null),
            (
                "database",
                object([
                    ("arn", .string(database.arn.description)),
                    ("engine", .string(database.engine.rawValue)),
                    ("engineVersion", optional(database.engineVersion)),
                    ("instance", optional(database.instanceID)),
                    ("parameterGroup", optional(database.parameterGroup)),
                    ("requestTimeoutMs", database.requestTimeoutMilliseconds.map { .number(JSONNumber($0)) } ?? .null),
                    ("region", .string(database.arn.region.name)),
                    ("accountId", .string(database.arn.accountID.value)),
                ])
            ),
            (
                "function",
                object([
                    ("arn", .string(function.arn.description)),
                    ("qualifier", optional(function.qualifier?.value)),
                    ("timeoutSeconds", function.timeoutSeconds.map { .number(JSONNumber($0)) } ?? .null),
                    ("invokedArn", .string(permission.function.description)),
                ])
            ),
            (
                "role",
                object([
                    ("arn", .string(plan.roleARN.description)),
                    ("name", .string(plan.roleARN.name)),
                    ("trustPolicy", plan.trustPolicy.map(policy) ?? .null),
                    ("invokePolicyName", .string(plan.invokePolicyName)),
                    ("invokePolicy", policy(plan.invokePolicy)),
                ])
            ),
            (
                "resourcePermission",
                object([
                    ("statementId", .string(permission.statementID)),
                    ("principal", .string(permission.grantee.description)),
                    ("function", .string(permission.function.description)),
                    ("statement", policy(permission.policy)),
                    ("command", .string(permission.awsCLICommand)),
                ])
            ),
            ("roleAssociation", plan.roleAssociation.map(roleAssociation) ?? .null),
            ("parameterChanges", encoded(plan.parameterChanges)),
            ("tables", encoded(plan.tables)),
            ("network", plan.network.map(encoded) ?? .null),
            ("warnings", encoded(plan.warnings)),
            ("checklist", encoded(plan.checklist)),
            ("commands", .array(plan.awsCLICommands.map(JSONValue.string))),
        ])
    }

    private static func roleAssociation(_ association: RoleAssociation) -> JSONValue {
        object([
            ("engine", .string(association.engine.rawValue)),
            (
                "steps",
                .array(
                    association.steps.map { step in
                        object([
                            ("summary", .string(step.summary)),
                            ("command", .string(step.command)),
                            ("arguments", .array(step.arguments.map(JSONValue.string))),
                        ])
                    }
                )
            ),
        ])
    }

    private static func outbox(_ outbox: OutboxPlan) -> JSONValue {
        let relay = outbox.relay
        return object([
            ("schema", .string(outbox.names.schema)),
            ("channel", .string(outbox.names.channel)),
            ("relayRole", optional(outbox.relayRole)),
            ("sql", .string(outbox.sql)),
            (
                "relay",
                object([
                    ("invocationType", .string(relay.invocationType.rawValue)),
                    ("batchSize", .number(JSONNumber(relay.batchSize))),
                    ("concurrency", .number(JSONNumber(relay.concurrency))),
                    ("ordering", .string(relay.ordering.rawValue)),
                    ("maxAttempts", .number(JSONNumber(relay.maxAttempts))),
                    ("retryBaseSeconds", .number(JSONNumber(relay.retryBaseSeconds))),
                    ("retryMaxSeconds", .number(JSONNumber(relay.retryMaxSeconds))),
                    ("pollIntervalMs", .number(JSONNumber(relay.pollIntervalMilliseconds))),
                    ("retentionHours", relay.retentionHours.map { .number(JSONNumber($0)) } ?? .null),
                ])
            ),
            ("command", .string(outbox.relayCommand)),
            ("arguments", .array(outbox.relayArguments.map(JSONValue.string))),
        ])
    }

    private static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }

    private static func optional(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }

    /// A policy as a JSON object (its own compact JSON, parsed back).
    private static func policy(_ document: PolicyDocument) -> JSONValue {
        (try? JSONValue(parsing: document.jsonString(pretty: false))) ?? .string(document.jsonString(pretty: false))
    }

    /// A `Codable` value as JSON (via `JSONEncoder`, parsed back so the printer controls the layout).
    private static func encoded(_ value: some Encodable) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value),
            let parsed = try? JSONValue(parsing: String(decoding: data, as: UTF8.self))
        else { return .null }
        return parsed
    }

    /// Pretty-prints with two spaces, keys sorted by Unicode scalars, strings escaped minimally (no `\/`).
    static func write(_ value: JSONValue, indent: Int, into output: inout String) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch value {
        case .array(let elements):
            guard !elements.isEmpty else {
                output += "[]"
                return
            }
            output += "[\n"
            for (index, element) in elements.enumerated() {
                output += pad
                write(element, indent: indent + 1, into: &output)
                output += index == elements.count - 1 ? "\n" : ",\n"
            }
            output += closing + "]"
        case .object(let object):
            guard !object.isEmpty else {
                output += "{}"
                return
            }
            let members = object.members.sorted {
                $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars)
            }
            output += "{\n"
            for (index, member) in members.enumerated() {
                output += pad + JSONValue.string(member.key).serializedString() + ": "
                write(member.value, indent: indent + 1, into: &output)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += closing + "}"
        default:
            output += value.serializedString()
        }
    }
}

extension JSONValue {
    fileprivate func serializedString() -> String {
        String(decoding: serialized(sortedKeys: true), as: UTF8.self)
    }
}

extension IntegrationPlan {
    /// Every AWS CLI command of the set-up, in order: create the role, attach the invoke policy, associate the role
    /// with the database (and set the Aurora MySQL parameter), add the function's resource permission, apply the
    /// other parameter changes. Policies are read from `file://trust-policy.json` and `file://invoke-policy.json`.
    /// In outbox mode: only the relay role's invoke policy and the resource permission.
    public var awsCLICommands: [String] {
        var commands = permissionCommands
        for change in parameterChanges where change.name != "aws_default_lambda_role" {
            commands.append(
                Integration.parameterCommand(change, engine: database.engine, region: database.arn.region)
            )
        }
        return commands
    }

    /// The commands of the permission-assignment step: role, invoke policy, association, resource permission.
    var permissionCommands: [String] {
        let role = roleARN.name
        var commands: [String] = []
        if trustPolicy != nil {
            commands.append(
                "aws iam create-role --role-name \(role) --assume-role-policy-document file://trust-policy.json"
            )
        }
        commands.append(
            "aws iam put-role-policy --role-name \(role) --policy-name \(invokePolicyName) "
                + "--policy-document file://invoke-policy.json"
        )
        commands += (roleAssociation?.steps ?? []).map(\.command)
        commands.append(resourcePermission.awsCLICommand)
        return commands
    }
}
