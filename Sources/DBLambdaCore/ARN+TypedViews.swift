// Checks shared by the typed ARN views (Lambda, RDS, IAM).

extension ARN {
    /// Throws ``ARNError/Code/wrongService`` unless the ARN's service is `expected`.
    func requireService(_ expected: String) throws(ARNError) {
        guard service == expected else {
            throw ARNError.invalid(
                .wrongService,
                "service",
                service,
                in: description,
                expected: "expected \(quoted(expected))"
            )
        }
    }

    /// The region, which must be present and belong to the ARN's partition.
    func requireRegion() throws(ARNError) -> Region {
        guard let region else {
            throw ARNError.problem(.invalidRegion, "missing region", in: description)
        }
        try region.requirePartition(partition, in: description)
        return region
    }

    /// The account id, which must be 12 digits.
    func requireAccountID() throws(ARNError) -> AccountID {
        guard let accountID else {
            throw ARNError.invalid(
                .invalidAccountID,
                "account id",
                account,
                in: description,
                expected: AccountID.expectation
            )
        }
        return accountID
    }

    /// The resource id after `<type><separator>`, throwing ``ARNError/Code/wrongResourceType`` for another type
    /// and ``ARNError/Code/invalidResource`` when the resource has no type at all or the wrong separator.
    func requireResource(type expected: String, separator: Character) throws(ARNError) -> Substring {
        let form = "expected \"\(expected)\(separator)…\""
        guard let type = resourceType, let actualSeparator = resourceSeparator else {
            throw ARNError.invalid(.invalidResource, "resource", resource, in: description, expected: form)
        }
        guard type == expected else {
            throw ARNError.invalid(.wrongResourceType, "resource type", type, in: description, expected: form)
        }
        guard actualSeparator == separator else {
            throw ARNError.invalid(.invalidResource, "resource", resource, in: description, expected: form)
        }
        return resource.dropFirst(expected.count + 1)
    }
}

extension Region {
    /// Throws ``ARNError/Code/invalidRegion`` unless this region belongs to `partition`.
    func requirePartition(_ partition: Partition, in input: String?) throws(ARNError) {
        let own = self.partition
        guard own == partition else {
            throw ARNError.invalid(
                .invalidRegion,
                "region",
                name,
                in: input,
                expected: "it belongs to partition \(quoted(own.id)), not \(quoted(partition.id))"
            )
        }
    }
}
