import DBLambdaCore
import Foundation

/// The AWS shared `config` and `credentials` files of one environment, loaded and parsed.
///
/// Locations: `AWS_CONFIG_FILE` (default `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE` (default
/// `~/.aws/credentials`); a leading `~` expands to `HOME` from the given environment. Without `HOME` the
/// default locations are not read. A file that does not exist counts as empty; a file that exists but
/// cannot be read or parsed is an error.
struct SharedConfigFiles: Sendable {
    /// The config file's path (after `~` expansion) and its parsed content, `nil` when absent.
    var configPath: String?
    /// The parsed config file, `nil` when it does not exist.
    var config: INIFile?
    /// The credentials file's path (after `~` expansion).
    var credentialsPath: String?
    /// The parsed credentials file, `nil` when it does not exist.
    var credentials: INIFile?

    /// Loads both files for `environment`.
    init(environment: [String: String]) throws {
        configPath = Self.path(environment["AWS_CONFIG_FILE"], default: "~/.aws/config", environment: environment)
        credentialsPath = Self.path(
            environment["AWS_SHARED_CREDENTIALS_FILE"],
            default: "~/.aws/credentials",
            environment: environment
        )
        config = try configPath.flatMap(Self.load)
        credentials = try credentialsPath.flatMap(Self.load)
    }

    /// The profile name for `environment`: `explicit`, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
    /// `default`.
    static func profileName(explicit: String?, environment: [String: String]) -> String {
        nonEmpty(explicit) ?? nonEmpty(environment["AWS_PROFILE"]) ?? nonEmpty(environment["AWS_DEFAULT_PROFILE"])
            ?? "default"
    }

    /// The section of profile `name` in the config file: `[profile name]`, or `[default]` for `default`
    /// (`[profile default]` wins over `[default]` when both exist).
    func configProfile(_ name: String) -> INISection? {
        guard let config else { return nil }
        var found: INISection?
        for (header, section) in config.sections {
            let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.count == 2, words[0] == "profile", words[1] == name {
                return section
            }
            if name == "default", header == "default" { found = section }
        }
        return found
    }

    /// The section `[name]` of the credentials file.
    func credentialsProfile(_ name: String) -> INISection? {
        credentials?.sections[name]
    }

    /// The value of `key` for profile `name`: the credentials file wins over the config file, as in botocore.
    func value(_ key: String, profile name: String) -> String? {
        credentialsProfile(name)?.entries[key]?.text ?? configProfile(name)?.entries[key]?.text
    }

    /// Where `key` of profile `name` was set, for messages.
    func location(of key: String, profile name: String) -> InputLocation? {
        if let entry = credentialsProfile(name)?.entries[key] {
            return InputLocation(file: credentialsPath, line: entry.line)
        }
        if let entry = configProfile(name)?.entries[key] {
            return InputLocation(file: configPath, line: entry.line)
        }
        return nil
    }

    /// Expands `~` in `value` (or `fallback` when `value` is unset) with `HOME`; `nil` when `HOME` is needed but
    /// not set.
    static func path(_ value: String?, default fallback: String, environment: [String: String]) -> String? {
        let raw = nonEmpty(value) ?? fallback
        return expandTilde(raw, environment: environment)
    }

    /// `~` or `~/…` with `HOME` substituted; `nil` when `HOME` is not set.
    static func expandTilde(_ path: String, environment: [String: String]) -> String? {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        guard let home = nonEmpty(environment["HOME"]) else { return nil }
        let rest = path.dropFirst()
        return home.hasSuffix("/") && rest.hasPrefix("/") ? home + rest.dropFirst() : home + rest
    }

    /// The largest shared config or credentials file read: 4 MiB (thousands of profiles). Reading stops there, so
    /// `AWS_CONFIG_FILE=/dev/zero` cannot exhaust memory.
    static let maximumFileBytes = 4 * 1024 * 1024

    /// Reads and parses the file at `path`; `nil` when there is no file there.
    private static func load(_ path: String) throws -> INIFile? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let data: Data
        do {
            guard !isDirectory.boolValue else { throw CocoaError(.fileReadUnknown) }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
        } catch {
            throw CredentialsError(
                code: .fileNotReadable,
                message: "cannot read \(quote(path))",
                location: InputLocation(file: path)
            )
        }
        guard data.count <= maximumFileBytes else {
            throw CredentialsError(
                code: .malformedFile,
                message: "file is larger than the limit of \(maximumFileBytes) bytes",
                location: InputLocation(file: path)
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialsError(
                code: .malformedFile,
                message: "file is not valid UTF-8",
                location: InputLocation(file: path)
            )
        }
        return try INIFile(parsing: text, path: path)
    }
}
