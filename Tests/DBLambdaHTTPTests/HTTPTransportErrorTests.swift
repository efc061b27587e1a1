import DBLambdaHTTP
import Testing

@Suite("HTTPTransportError")
struct HTTPTransportErrorTests {
    @Test("requestMayHaveBeenSent defaults to false only for invalid requests and failed or timed-out connects")
    func mayHaveBeenSentDefaults() {
        let notSent: [HTTPTransportError.Code] = [.invalidRequest, .connectFailed, .connectTimeout]
        let maybeSent: [HTTPTransportError.Code] = [
            .readTimeout, .timeout, .connectionClosed, .responseTooLarge, .cancelled, .tls, .unknown,
        ]
        for code in notSent {
            #expect(!HTTPTransportError(code: code, message: "m").requestMayHaveBeenSent)
        }
        for code in maybeSent {
            #expect(HTTPTransportError(code: code, message: "m").requestMayHaveBeenSent)
        }
        #expect(
            HTTPTransportError(code: .unknown, message: "m", requestMayHaveBeenSent: false).requestMayHaveBeenSent
                == false
        )
    }

    @Test("== and hashing compare the code only; ~= matches any error with that code")
    func equalityByCode() {
        let detailed = HTTPTransportError(code: .timeout, message: "GET http://h/p after 1 s", underlying: "x")
        #expect(detailed == .timeout)
        #expect(detailed != .connectFailed)
        #expect(Set([detailed, HTTPTransportError.timeout]).count == 1)
        let error: any Error = detailed
        #expect(HTTPTransportError.timeout ~= error)
        #expect(!(HTTPTransportError.cancelled ~= error))
        struct Other: Error {}
        #expect(!(HTTPTransportError.timeout ~= Other()))
    }

    @Test("the description is one line with code, message, underlying error and the sent verdict")
    func description() {
        let error = HTTPTransportError(
            code: .connectFailed,
            message: "POST http://127.0.0.1:1/x: could not\nconnect",
            underlying: "IOError: refused"
        )
        #expect(
            error.description
                == "HTTPTransportError.connectFailed: POST http://127.0.0.1:1/x: could not connect "
                + "(underlying: IOError: refused) [request not sent]"
        )
        #expect(HTTPTransportError.timeout.description.hasSuffix("[request may have been sent]"))
        #expect(HTTPTransportError.Code.responseTooLarge.description == "responseTooLarge")
    }
}
