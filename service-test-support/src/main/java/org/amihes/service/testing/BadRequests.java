package org.amihes.service.testing;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.restassured.response.ValidatableResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Assertions on problem answers, shared by every service's bad-input test. */
public final class BadRequests {

    public static final String PROBLEM_JSON = "application/problem+json";

    private BadRequests() {
    }

    /**
     * Asserts a problem+json answer of this status and type ({@code urn:amihes:problem:<type>}); {@code field}, when
     * not null, is one of the fields named in {@code errors}.
     */
    public static ValidatableResponse assertProblem(ValidatableResponse response, int status, String type, String field) {
        ValidatableResponse r = response.log().ifValidationFails()
                .statusCode(status)
                .contentType(PROBLEM_JSON)
                .body("status", equalTo(status))
                .body("type", equalTo("urn:amihes:problem:" + type));
        if (field != null) {
            r.body("errors.field", hasItem(field));
        }
        return r;
    }

    /**
     * Sends only the head of a request that declares {@code contentLength} bytes of body, as a client about to upload
     * a large body does, and returns the answer read until the server closes, or what came within {@code waitMillis}
     * (nothing: the server waits for the body, it did not refuse it).
     */
    public static String declareBody(int port, String method, String path, String contentType, long contentLength,
                                     int waitMillis) throws Exception {
        return declareBody(port, method, path, contentType, contentLength, waitMillis, TestTokens.admin());
    }

    /** {@link #declareBody(int, String, String, String, long, int)} with this bearer token. */
    public static String declareBody(int port, String method, String path, String contentType, long contentLength,
                                     int waitMillis, String token) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(waitMillis);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return answer(s); // nothing within waitMillis: the server is waiting for the body
        }
    }

    /**
     * Sends {@code body} with {@code Transfer-Encoding: chunked} (no length declared), in chunks of {@code chunkSize}
     * bytes, and returns the answer read until the server closes or {@code waitMillis} pass without more. A server
     * that refuses the body part way closes the connection: what could not be written is not an error here.
     */
    public static String sendChunked(int port, String method, String path, String contentType, byte[] body, int chunkSize,
                                     int waitMillis) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(waitMillis);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TestTokens.admin()
                    + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                for (int from = 0; from < body.length; from += chunkSize) {
                    int n = Math.min(chunkSize, body.length - from);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, from, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException refusedPartWay) {
                // the server answered and closed before the whole body was sent
            }
            return answer(s);
        }
    }

    /**
     * What the server sent until it closed the connection, reset it after its answer, or sent nothing more within the
     * socket's timeout.
     */
    private static String answer(Socket s) throws java.io.IOException {
        InputStream in = s.getInputStream();
        java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException done) {
            // nothing more within the timeout, or the connection reset after the answer
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
