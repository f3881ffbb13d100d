package dev.athena.schemas;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Where the JSON Schema files (draft 2020-12) of the wire contract live on the classpath. They are the source of
 * truth for producers that do not use our Java records; each file's {@code $id} is {@link #BASE_URI} plus its
 * file name, and files refer to each other by those relative names (shared definitions live in the result
 * schema's {@code $defs}).
 */
public final class JsonSchemas {
    public static final String BASE_URI = "https://athena.dev/schemas/";
    public static final String DIRECTORY = "schemas/";

    public static final String ANALYSIS_REQUEST = DIRECTORY + "analysis-request.schema.json";
    public static final String ANALYSIS_BATCH = DIRECTORY + "analysis-batch.schema.json";
    public static final String BATCH_RESULT = DIRECTORY + "batch-result.schema.json";
    public static final String ANALYSIS_RESULT = DIRECTORY + "analysis-result.schema.json";
    public static final String ANALYSIS_CHUNK = DIRECTORY + "analysis-chunk.schema.json";
    public static final String CACHED_ANALYSIS = DIRECTORY + "cached-analysis.schema.json";
    public static final String ANALYSIS_CANCELLATION = DIRECTORY + "analysis-cancellation.schema.json";

    private static final Map<Class<?>, String> BY_MESSAGE = Map.of(
            AnalysisRequest.class, ANALYSIS_REQUEST,
            AnalysisBatch.class, ANALYSIS_BATCH,
            BatchResult.class, BATCH_RESULT,
            AnalysisResult.class, ANALYSIS_RESULT,
            AnalysisChunk.class, ANALYSIS_CHUNK,
            CachedAnalysis.class, CACHED_ANALYSIS,
            AnalysisCancellation.class, ANALYSIS_CANCELLATION);

    private JsonSchemas() {
    }

    /** Every schema resource path, requests first. */
    public static List<String> all() {
        return List.of(ANALYSIS_REQUEST, ANALYSIS_BATCH, BATCH_RESULT, ANALYSIS_RESULT, ANALYSIS_CHUNK,
                CACHED_ANALYSIS, ANALYSIS_CANCELLATION);
    }

    /** The resource path of the schema of a top-level message record. */
    public static String resourceFor(Class<?> messageType) {
        String path = BY_MESSAGE.get(messageType);
        if (path == null) {
            throw new IllegalArgumentException("no JSON Schema for " + messageType.getName()
                    + " (top-level messages only: " + BY_MESSAGE.keySet().stream().map(Class::getSimpleName)
                    .sorted().toList() + ")");
        }
        return path;
    }

    /** The {@code $id} of a schema resource, e.g. {@code https://athena.dev/schemas/analysis-request.schema.json}. */
    public static String idOf(String resource) {
        if (!resource.startsWith(DIRECTORY)) {
            throw new IllegalArgumentException("schema resources live under " + DIRECTORY + " but was '" + resource
                    + "'");
        }
        return BASE_URI + resource.substring(DIRECTORY.length());
    }

    /** The text of a schema resource, read from this jar. */
    public static String read(String resource) {
        try (InputStream in = JsonSchemas.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no schema resource '" + resource + "' on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read schema resource " + resource, e);
        }
    }
}
