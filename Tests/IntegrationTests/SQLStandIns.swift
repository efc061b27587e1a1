enum AWSLambdaStandIn {
    /// The stand-in extension files for PostgreSQL: the documented signatures, recording every call.
    static let postgresFiles: [(String, String)] = [
        (
            "aws_commons.control",
            #"""
            # DatabaseLambda test stand-in for the AWS aws_commons extension (same signatures, no AWS access)
            comment = 'DatabaseLambda test stand-in for aws_commons'
            default_version = '1.0'
            schema = aws_commons
            relocatable = false
            """#
        ),
        (
            "aws_commons--1.0.sql",
            #"""
            CREATE TYPE aws_commons._lambda_function_arn_1 AS (function_name text, region text);
            CREATE FUNCTION aws_commons.create_lambda_function_arn(function_name text, region text DEFAULT NULL)
            RETURNS aws_commons._lambda_function_arn_1 LANGUAGE sql IMMUTABLE
            AS $$ SELECT ROW(function_name, region)::aws_commons._lambda_function_arn_1 $$;
            """#
        ),
        (
            "aws_lambda.control",
            #"""
            # DatabaseLambda test stand-in for the AWS aws_lambda extension: records every invoke in aws_lambda.recorded_calls
            comment = 'DatabaseLambda test stand-in for aws_lambda (records calls)'
            default_version = '1.0'
            schema = aws_lambda
            relocatable = false
            requires = 'aws_commons'
            """#
        ),
        (
            "aws_lambda--1.0.sql",
            #"""
            CREATE TABLE aws_lambda.recorded_calls (
                seq bigserial PRIMARY KEY,
                overload text NOT NULL,
                function_name text,
                region text,
                payload text,
                invocation_type text,
                log_type text,
                context text,
                qualifier text
            );
            GRANT SELECT, INSERT ON aws_lambda.recorded_calls TO PUBLIC;
            GRANT USAGE ON SEQUENCE aws_lambda.recorded_calls_seq_seq TO PUBLIC;
            CREATE FUNCTION aws_lambda.record(overload text, function_name text, region text, payload text,
                invocation_type text, log_type text, context text, qualifier text) RETURNS integer
            LANGUAGE plpgsql AS $$
            BEGIN
                IF invocation_type IS NULL OR invocation_type NOT IN ('RequestResponse', 'Event', 'DryRun') THEN
                    RAISE EXCEPTION 'invalid invocation type %', invocation_type;
                END IF;
                IF function_name LIKE '%:function:dblambda-fail%' THEN
                    RAISE EXCEPTION 'invoke API failed' USING DETAIL = 'AWS Lambda client returned ''Unable to connect to endpoint''.';
                END IF;
                INSERT INTO aws_lambda.recorded_calls (overload, function_name, region, payload, invocation_type, log_type, context, qualifier)
                VALUES (overload, function_name, region, payload, invocation_type, log_type, context, qualifier);
                -- End-to-end mode: with dblambda_test.endpoint set, also POST a SigV4-signed Invoke request there.
                IF coalesce(current_setting('dblambda_test.endpoint', true), '') <> '' THEN
                    RETURN public.dblambda_forward(function_name, region, payload, invocation_type);
                END IF;
                RETURN CASE invocation_type WHEN 'Event' THEN 202 WHEN 'DryRun' THEN 204 ELSE 200 END;
            END $$;
            CREATE FUNCTION aws_lambda.invoke(
                IN function_name text, IN payload json, IN region text DEFAULT NULL,
                IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
                IN context json DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
                OUT status_code int, OUT payload json, OUT executed_version text, OUT log_result text)
            LANGUAGE sql AS $$
                SELECT aws_lambda.record('text/json', function_name, region, payload::text, invocation_type, log_type, context::text, qualifier),
                    NULL::json, '$LATEST'::text, NULL::text
            $$;
            CREATE FUNCTION aws_lambda.invoke(
                IN function_name text, IN payload jsonb, IN region text DEFAULT NULL,
                IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
                IN context jsonb DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
                OUT status_code int, OUT payload jsonb, OUT executed_version text, OUT log_result text)
            LANGUAGE sql AS $$
                SELECT aws_lambda.record('text/jsonb', function_name, region, payload::text, invocation_type, log_type, context::text, qualifier),
                    NULL::jsonb, '$LATEST'::text, NULL::text
            $$;
            CREATE FUNCTION aws_lambda.invoke(
                IN function_name aws_commons._lambda_function_arn_1, IN payload json,
                IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
                IN context json DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
                OUT status_code int, OUT payload json, OUT executed_version text, OUT log_result text)
            LANGUAGE sql AS $$
                SELECT aws_lambda.record('arn/json', (function_name).function_name, (function_name).region, payload::text,
                    invocation_type, log_type, context::text, qualifier),
                    NULL::json, '$LATEST'::text, NULL::text
            $$;
            CREATE FUNCTION aws_lambda.invoke(
                IN function_name aws_commons._lambda_function_arn_1, IN payload jsonb,
                IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
                IN context jsonb DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
                OUT status_code int, OUT payload jsonb, OUT executed_version text, OUT log_result text)
            LANGUAGE sql AS $$
                SELECT aws_lambda.record('arn/jsonb', (function_name).function_name, (function_name).region, payload::text,
                    invocation_type, log_type, context::text, qualifier),
                    NULL::jsonb, '$LATEST'::text, NULL::text
            $$;
            """#
        ),
    ]

    /// Stand-ins for Aurora MySQL's native `lambda_async(arn, payload)` and `lambda_sync(arn, payload)` as stored
    /// functions of the current database; each call is recorded in `<recordingDatabase>.recorded_calls`. A function
    /// ARN whose name starts with `dblambda-fail` fails like an unreachable endpoint (error 1873).
    static func mariadbFunctions(recordingDatabase: String) -> String {
        ["lambda_async", "lambda_sync"].map { name in
            let status = name == "lambda_async" ? "202" : "200"
            return """
                DROP FUNCTION IF EXISTS \(name);
                DELIMITER $$
                CREATE FUNCTION \(name)(lambda_function_ARN VARCHAR(2048), JSON_payload LONGTEXT)
                RETURNS LONGTEXT MODIFIES SQL DATA
                BEGIN
                    IF lambda_function_ARN LIKE '%:function:dblambda-fail%' THEN
                        SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = 1873,
                            MESSAGE_TEXT = 'Lambda API returned error: Network Connection. Unable to connect to endpoint';
                    END IF;
                    INSERT INTO `\(recordingDatabase)`.recorded_calls (native_function, function_arn, payload)
                    VALUES ('\(name)', lambda_function_ARN, JSON_payload);
                    RETURN '{"StatusCode": \(status)}';
                END$$
                DELIMITER ;

                """
        }.joined()
    }

    /// A PL/Python function that sends one Lambda Invoke request, signed with SigV4 (test credentials), to the
    /// endpoint in `dblambda_test.endpoint` — what the real `aws_lambda` extension does over HTTPS.
    static let postgresForwarder = #"""
        CREATE EXTENSION IF NOT EXISTS plpython3u;
        CREATE OR REPLACE FUNCTION public.dblambda_forward(function_name text, region text, payload text,
            invocation_type text) RETURNS integer LANGUAGE plpython3u AS $$
        import datetime, hashlib, hmac, urllib.parse, urllib.request
        endpoint = plpy.execute("SELECT current_setting('dblambda_test.endpoint') AS e")[0]["e"]
        key_id = "AKIDDBLAMBDASQLTEST1"
        secret = "dblambdasql/test/secret/key/0000000000000"
        host = urllib.parse.urlsplit(endpoint).netloc
        path = "/2015-03-31/functions/" + urllib.parse.quote(function_name, safe="") + "/invocations"
        body = payload.encode("utf-8")
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        day = amz_date[:8]
        canonical_headers = "host:" + host + "\n" + "x-amz-date:" + amz_date + "\n" + \
            "x-amz-invocation-type:" + invocation_type + "\n"
        signed_headers = "host;x-amz-date;x-amz-invocation-type"
        canonical = "\n".join(["POST", urllib.parse.quote(path, safe="/~"), "", canonical_headers, signed_headers,
            hashlib.sha256(body).hexdigest()])
        scope = day + "/" + region + "/lambda/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        k = ("AWS4" + secret).encode()
        for part in (day, region, "lambda", "aws4_request"):
            k = hmac.new(k, part.encode(), hashlib.sha256).digest()
        signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
        request = urllib.request.Request(endpoint + path, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "X-Amz-Date": amz_date,
            "X-Amz-Invocation-Type": invocation_type,
            "Authorization": "AWS4-HMAC-SHA256 Credential=" + key_id + "/" + scope + ", SignedHeaders=" +
                signed_headers + ", Signature=" + signature,
        })
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
        $$;
        """#
}
