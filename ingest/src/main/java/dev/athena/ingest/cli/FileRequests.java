package dev.athena.ingest.cli;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/** Turns a source file into an analysis request, with a clear error for files that cannot be sent. */
public final class FileRequests {
    private final String clientId;
    private final AnalysisType type;
    private final Clock clock;
    private final String provider;
    private final String model;

    public FileRequests(String clientId, AnalysisType type, Clock clock) {
        this(clientId, type, clock, null, null);
    }

    private FileRequests(String clientId, AnalysisType type, Clock clock, String provider, String model) {
        this.clientId = clientId;
        this.type = type;
        this.clock = clock;
        this.provider = provider;
        this.model = model;
    }

    /** Requests for that provider and model; null for either lets the pipeline choose. */
    public FileRequests askingFor(String provider, String model) {
        return new FileRequests(clientId, type, clock, provider, model);
    }

    public AnalysisRequest from(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": a directory; athena scan DIR --client ID sends a repository's files");
        }
        if (!Files.exists(file)) {
            throw new IOException(file + ": no such file");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException(file + ": not a readable file");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) {
            // admission would reject it (EMPTY_CODE); told before anything is sent
            throw new IOException(file + ": empty, there is no code to analyse");
        }
        String code;
        try {
            code = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        return new AnalysisRequest(SchemaVersion.CURRENT, UUID.randomUUID().toString(), clientId, type,
                Languages.of(file).orElse(null), file.toString(), code, provider, model, Lane.INTERACTIVE, Map.of(),
                null, null, clock.instant(), null);
    }
}
