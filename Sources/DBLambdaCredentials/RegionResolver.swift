public import Foundation

/// Finds the AWS region to use, in the order of the AWS SDKs and the `dblambda` command line (aws-facts §6.4):
///
/// 1. an explicit region (for example `--region`);
/// 2. `AWS_REGION`;
/// 3. `AWS_DEFAULT_REGION` (what botocore and the AWS CLI read);
/// 4. `region` in the selected profile of the shared files (the credentials file wins over the config file for
///    the same profile, as in botocore).
///
/// ```swift
/// let region = try RegionResolver.resolveRegion(explicit: nil, environment: environment, profile: nil)
/// ```
public enum RegionResolver: Sendable {
    /// The region to use, or `nil` when none is configured.
    ///
    /// - Parameters:
    ///   - explicit: A region given by the caller; wins when non-empty.
    ///   - environment: The environment (by default the process environment); also locates the shared files.
    ///   - profile: The profile whose `region` is read; `nil` uses `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then
    ///     `default`.
    /// - Throws: ``CredentialsError`` when a shared file is needed and cannot be read or parsed.
    public static func resolveRegion(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        profile: String? = nil
    ) throws -> String? {
        if let region = nonEmpty(explicit?.trimmingCharacters(in: .whitespaces)) { return region }
        if let region = environmentRegion(environment) { return region }
        let files = try SharedConfigFiles(environment: environment)
        let name = SharedConfigFiles.profileName(explicit: profile, environment: environment)
        return nonEmpty(files.value("region", profile: name))
    }

    /// The region named by the environment alone: `AWS_REGION`, else `AWS_DEFAULT_REGION` (no files read).
    public static func environmentRegion(_ environment: [String: String]) -> String? {
        nonEmpty(environment["AWS_REGION"]) ?? nonEmpty(environment["AWS_DEFAULT_REGION"])
    }

    /// The region for an already loaded set of files.
    static func region(from files: SharedConfigFiles, profile: String, environment: [String: String]) -> String? {
        environmentRegion(environment) ?? nonEmpty(files.value("region", profile: profile))
    }
}
