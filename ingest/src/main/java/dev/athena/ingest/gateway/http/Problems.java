package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.analysis.KafkaUnavailableException;
import dev.athena.ingest.gateway.auth.ApiKeyFormat;
import dev.athena.ingest.gateway.store.StoreUnavailableException;
import dev.athena.schemas.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every error as problem details JSON; unexpected ones are logged by type and answered without internals. */
@RestControllerAdvice
public class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    static final String PROBLEM_JSON = "application/problem+json";

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<String> problem(ApiProblem p, HttpServletRequest request) {
        return render(p, request.getRequestURI());
    }

    @ExceptionHandler({NoResourceFoundException.class, NoHandlerFoundException.class})
    ResponseEntity<String> notFound(Exception e, HttpServletRequest request) {
        return render(new ApiProblem(404, "Not Found", "no such resource"), request.getRequestURI());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<String> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return render(new ApiProblem(405, "Method Not Allowed", "method " + e.getMethod() + " is not allowed here"),
                request.getRequestURI());
    }

    @ExceptionHandler({ServletRequestBindingException.class, MethodArgumentTypeMismatchException.class,
            HttpMessageNotReadableException.class})
    ResponseEntity<String> badRequest(Exception e, HttpServletRequest request) {
        return render(new ApiProblem(400, "Bad Request", "the request's parameters or headers are not valid"),
                request.getRequestURI());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<String> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        return render(new ApiProblem(415, "Unsupported Media Type", "send application/json"), request.getRequestURI());
    }

    @ExceptionHandler({StoreUnavailableException.class, KafkaUnavailableException.class})
    ResponseEntity<String> unavailable(RuntimeException e, HttpServletRequest request) {
        LOG.warn("dependency unavailable on {} {}: {}", request.getMethod(),
                ApiKeyFormat.redact(request.getRequestURI()),
                e.getClass().getSimpleName());
        return render(new ApiProblem(503, "Service Unavailable", "a backing service is unavailable; retry later",
                null, Map.of(HttpHeaders.RETRY_AFTER, "1")), request.getRequestURI());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> unexpected(Exception e, HttpServletRequest request) {
        LOG.error("unexpected {} on {} {}", e.getClass().getName(), request.getMethod(),
                ApiKeyFormat.redact(request.getRequestURI()));
        return render(new ApiProblem(500, "Internal Server Error", "unexpected error"), request.getRequestURI());
    }

    static ResponseEntity<String> render(ApiProblem p, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        // No "instance": a request path can hold what a caller pasted by mistake (a key), and errors never echo it.
        if (p.field() != null) {
            body.put("field", p.field());
        }
        var builder = ResponseEntity.status(HttpStatus.valueOf(p.status()))
                .header(HttpHeaders.CONTENT_TYPE, PROBLEM_JSON);
        p.headers().forEach(builder::header);
        if (p.status() == 401) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"athena\"");
        }
        return builder.body(Json.writeString(body));
    }
}
