/// An IPv4 address block in CIDR notation, such as `10.0.1.0/24`.
///
/// Host bits are cleared when parsing (`10.0.1.7/24` is `10.0.1.0/24`), so two blocks compare equal when they
/// cover the same addresses.
public struct IPv4CIDR: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first address of the block, as a 32-bit number.
    public let address: UInt32
    /// The prefix length, 0 through 32.
    public let prefixLength: Int

    /// The whole IPv4 space, `0.0.0.0/0`.
    public static let anywhere = IPv4CIDR(address: 0, prefixLength: 0)

    /// Creates a block from an address and a prefix length (0…32, clamped); host bits are cleared.
    public init(address: UInt32, prefixLength: Int) {
        let length = min(max(prefixLength, 0), 32)
        self.prefixLength = length
        self.address = address & IPv4CIDR.mask(length)
    }

    /// Parses `a.b.c.d/n`; a bare address is a `/32`. Returns `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), let number = UInt32(octet),
                number <= 255
            else { return nil }
            value = value << 8 | number
        }
        var length = 32
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 2, let parsed = Int(parts[1]), (0...32).contains(parsed)
            else { return nil }
            length = parsed
        }
        self.init(address: value, prefixLength: length)
    }

    private static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// The last address of the block.
    public var lastAddress: UInt32 { address | ~IPv4CIDR.mask(prefixLength) }

    /// Whether every address of `other` is in this block.
    public func contains(_ other: IPv4CIDR) -> Bool {
        other.prefixLength >= prefixLength && other.address & IPv4CIDR.mask(prefixLength) == address
    }

    /// Whether the two blocks share at least one address.
    public func overlaps(_ other: IPv4CIDR) -> Bool {
        contains(other) || other.contains(self)
    }

    /// The private and special-purpose blocks that never hold a public AWS endpoint address.
    static let nonPublicBlocks: [IPv4CIDR] = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "0.0.0.0/8", "224.0.0.0/3",
    ].compactMap { IPv4CIDR($0) }

    /// Whether the whole block lies in private or special-purpose space (RFC 1918, RFC 6598, loopback,
    /// link-local, multicast), so it cannot contain a public endpoint such as Lambda's.
    public var isNonPublic: Bool {
        IPv4CIDR.nonPublicBlocks.contains { $0.contains(self) }
    }

    /// `a.b.c.d/n`.
    public var description: String {
        let bytes = [address >> 24, address >> 16 & 0xff, address >> 8 & 0xff, address & 0xff]
        return bytes.map(String.init).joined(separator: ".") + "/\(prefixLength)"
    }

    /// Orders by first address, then by prefix length.
    public static func < (lhs: IPv4CIDR, rhs: IPv4CIDR) -> Bool {
        (lhs.address, lhs.prefixLength) < (rhs.address, rhs.prefixLength)
    }
}
