public import DBLambdaCore

/// The `FunctionName` of an Invoke request, validated with the API's `NamespacedFunctionName` pattern before
/// anything is sent: a name (`orders`), a name with a version or alias (`orders:prod`), a partial ARN
/// (`123456789012:function:orders`), a full ARN (`arn:aws:lambda:us-east-1:123456789012:function:orders`), each
/// optionally followed by `:<version|alias|$LATEST>`.
///
/// ```swift
/// let function = try LambdaFunctionIdentifier("arn:aws:lambda:us-east-1:123456789012:function:orders:prod")
/// function.functionName   // "orders"
/// function.qualifier      // "prod"
/// ```
public struct LambdaFunctionIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The identifier exactly as it goes into the request path (before percent-encoding).
    public let rawValue: String
    /// The function name without account, region or qualifier.
    public let functionName: String
    /// The version or alias appended to the identifier, if any.
    public let qualifier: String?
    /// The full ARN, when the identifier is one.
    public let arn: LambdaFunctionARN?

    /// The longest identifier Invoke accepts (256 characters).
    public static let maximumLength = 256
    /// The longest function name (64 characters).
    public static let maximumNameLength = 64

    /// Validates an identifier.
    ///
    /// - Parameter rawValue: A name, partial ARN or full ARN, optionally qualified.
    /// - Throws: ``LambdaInvokeError/Code/invalidFunctionName`` saying which part does not fit.
    public init(_ rawValue: String) throws(LambdaInvokeError) {
        guard !rawValue.isEmpty, rawValue.utf8.count <= Self.maximumLength else {
            throw Self.invalid(rawValue, "must be 1 to \(Self.maximumLength) characters long")
        }
        // Fast path for the common case, a plain function name: what the general parser below concludes too.
        if rawValue.utf8.count <= Self.maximumNameLength, rawValue.utf8.allSatisfy(Self.isNameByte) {
            self.rawValue = rawValue
            self.functionName = rawValue
            self.qualifier = nil
            self.arn = nil
            return
        }
        var parts = rawValue.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var arn: LambdaFunctionARN?
        if parts.first == "arn" {
            do {
                arn = try LambdaFunctionARN(parsing: rawValue)
            } catch {
                throw Self.invalid(rawValue, "is not a valid Lambda function ARN: \(error.message)")
            }
            parts.removeFirst(6)
        } else {
            // Optional region, optional account, optional `function`, the name, optional qualifier.
            if parts.count >= 3, Self.isRegion(parts[0]), parts[1].count == 12, parts[1].allSatisfy(\.isASCIIDigit) {
                parts.removeFirst(2)
                guard parts.first == "function" else {
                    throw Self.invalid(rawValue, "a region and an account must be followed by 'function:<name>'")
                }
                parts.removeFirst()
            } else if parts.count >= 2, parts[0].count == 12, parts[0].allSatisfy(\.isASCIIDigit) {
                parts.removeFirst()
                if parts.first == "function" && parts.count >= 2 {
                    parts.removeFirst()
                }
            } else if parts.count >= 2, parts[0] == "function" {
                parts.removeFirst()
            }
        }
        guard let name = parts.first, (1...Self.maximumNameLength).contains(name.count),
            name.allSatisfy(Self.isNameCharacter)
        else {
            throw Self.invalid(
                rawValue,
                "the function name must be 1 to \(Self.maximumNameLength) characters of [a-zA-Z0-9-_.]"
            )
        }
        var qualifier: String?
        if parts.count == 2 {
            guard Self.isValidQualifier(parts[1], allowDollarInAlias: false) else {
                throw Self.invalid(rawValue, "the qualifier '\(parts[1])' is not a version, an alias or $LATEST")
            }
            qualifier = parts[1]
        } else if parts.count > 2 {
            throw Self.invalid(rawValue, "too many ':'-separated parts")
        }
        self.rawValue = rawValue
        self.functionName = name
        self.qualifier = arn?.qualifier?.value ?? qualifier
        self.arn = arn
    }

    /// An identifier for a function ARN (always valid).
    ///
    /// - Parameter arn: The function's ARN, qualified or not.
    public init(_ arn: LambdaFunctionARN) {
        self.rawValue = arn.description
        self.functionName = arn.functionName
        self.qualifier = arn.qualifier?.value
        self.arn = arn
    }

    /// The identifier.
    public var description: String { rawValue }

    /// The identifier percent-encoded for the request path: `:` becomes `%3A` and `$` becomes `%24`.
    var pathComponent: String {
        percentEncode(rawValue)
    }

    /// Whether `text` matches the `Qualifier` pattern `\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`, 1–128.
    static func isValidQualifier(_ text: String, allowDollarInAlias: Bool = true) -> Bool {
        guard (1...128).contains(text.count) else { return false }
        if text == "$LATEST" || text == "$LATEST.PUBLISHED" { return true }
        return text.allSatisfy { isAliasCharacter($0) || (allowDollarInAlias && $0 == "$") }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        isAliasCharacter(character) || character == "."
    }

    private static func isAliasCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-" || character == "_")
    }

    /// `(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}`
    private static func isRegion(_ text: String) -> Bool {
        (try? Region(text)) != nil && text.last?.isASCIIDigit == true
    }

    private static func invalid(_ value: String, _ problem: String) -> LambdaInvokeError {
        LambdaInvokeError(
            code: .invalidFunctionName,
            message: "function identifier '\(value.prefix(300))': \(problem)"
        )
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
func percentEncode(_ text: String) -> String {
    if text.utf8.allSatisfy(isUnreserved) {
        return text
    }
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for byte in text.utf8 {
        if isUnreserved(byte) {
            result.unicodeScalars.append(Unicode.Scalar(byte))
        } else {
            let hex = Array("0123456789ABCDEF".utf8)
            result.unicodeScalars.append("%")
            result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
            result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
        }
    }
    return result
}

/// Whether `byte` is an RFC 3986 unreserved character.
private func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
        UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}
