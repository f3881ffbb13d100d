package dev.athena.ingest.gateway.http;

import java.util.Map;

/**
 * An HTTP error answered as RFC 9457 problem details. {@code field} names the request field at fault when there
 * is one. Messages are written by us and never echo a key or an Authorization header.
 */
public final class ApiProblem extends RuntimeException {
    private final int status;
    private final String title;
    private final String field;
    private final Map<String, String> headers;

    public ApiProblem(int status, String title, String detail, String field, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.field = field;
        this.headers = Map.copyOf(headers);
    }

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, null, Map.of());
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
