import DatabaseLambda
import Foundation
import Testing

/// Shared helpers of the façade tests (configs as string literals, temp files, the package root).
enum FacadeFixtures {
    /// The package root, found from this file's path.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The folder of the façade's snapshots.
    static var snapshots: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    }

    /// A complete RDS for PostgreSQL config (line numbers matter to the tests: keep the layout).
    static let postgresYAML = """
        version: 1
        name: orders
        database:
          arn: arn:aws:rds:us-east-1:123456789012:db:orders-db
          engine: postgres
          engineVersion: "15.5"
          parameterGroup: orders-pg15
          requestTimeoutMs: 3000
        function:
          arn: arn:aws:lambda:us-east-1:123456789012:function:orders-handler
          qualifier: live
          timeoutSeconds: 30
        role:
          name: orders-db-invoke
        delivery: direct
        tables:
          - table: public.orders
            operations: [insert, update, delete]
            invocationType: Event
            excludeColumns: [card_token]
            onError: raise
            grantTo: app_writer
            maxRowBytes: 4096
          - table: public.payments
            invocationType: RequestResponse
            columns: [id, amount]

        """

    /// An Aurora PostgreSQL cluster config without a network section.
    static let auroraPostgreSQLYAML = """
        version: 1
        name: billing
        database:
          arn: arn:aws:rds:eu-west-1:123456789012:cluster:billing-cluster
          engine: aurora-postgresql
        function:
          arn: arn:aws:lambda:eu-west-1:123456789012:function:billing
        role:
          name: billing-db-invoke
        tables:
          - table: public.invoices

        """

    /// An Aurora MySQL version 2 cluster config.
    static let auroraMySQLYAML = """
        version: 1
        name: shop
        database:
          arn: arn:aws:rds:us-east-1:123456789012:cluster:shop-cluster
          engine: aurora-mysql
          engineVersion: "5.7.mysql_aurora.2.11.2"
          parameterGroup: shop-aurora57
        function:
          arn: arn:aws:lambda:us-east-1:123456789012:function:shop-sync
          qualifier: "3"
        role:
          name: shop-db-invoke
        tables:
          - table: shop.orders
            columns: [id, status]
            grantTo: shop_app@%
            maxRowBytes: 600000

        """

    /// A fresh temporary directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "DatabaseLambdaTests-\(UUID().uuidString)",
            isDirectory: true
        )
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Decodes a YAML string as `dblambda.yaml`.
    static func decode(_ yaml: String, base: String = "/nonexistent") throws(IntegrationConfigError) -> Integration {
        try Integration.decode(yaml: yaml, file: "dblambda.yaml", baseDirectory: base)
    }

    /// The error decoding `yaml` throws; records a failure when it decodes.
    static func configError(
        _ yaml: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> IntegrationConfigError? {
        do {
            _ = try decode(yaml)
            Issue.record("expected an IntegrationConfigError", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// `yaml` with the first occurrence of `target` replaced.
    static func replacing(_ target: String, with replacement: String, in yaml: String) -> String {
        guard let range = yaml.range(of: target) else { return yaml }
        return yaml.replacingCharacters(in: range, with: replacement)
    }
}
