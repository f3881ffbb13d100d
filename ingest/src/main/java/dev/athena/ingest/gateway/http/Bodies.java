package dev.athena.ingest.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a request body up to a limit, answering 413 as soon as the limit is passed (or announced). */
final class Bodies {
    private Bodies() {
    }

    static byte[] read(HttpServletRequest request, int maxBytes) {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiProblem tooLarge(int maxBytes) {
        return new ApiProblem(413, "Content Too Large", "the request body is over the limit of " + maxBytes
                + " bytes", "body", java.util.Map.of());
    }
}
