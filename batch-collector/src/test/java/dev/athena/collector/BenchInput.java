package dev.athena.collector;

import dev.athena.schemas.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The requests {@link CollectorBenchmark} sends: eight clients, one in five on the bulk lane, one question in ten
 * asked twice (so some coalescing). The code is either a generated Python function padded to a size, or real
 * source files read from a directory and cycled, which gives the mix of sizes a repository scan sends. With
 * {@link #withBadOnes}, one request in N is one that admission must turn away ({@link BadRequest}).
 */
final class BenchInput {
    private static final Set<String> SOURCE_EXTENSIONS = Set.of("java", "py", "js", "ts", "go", "kt", "rb", "c",
            "h", "cpp", "rs", "cs", "php", "scala", "sh", "sql");
    /** Build output, tools' folders, and {@code ./athena up}'s data (its embedded PostgreSQL has .sql files). */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", "build",
            ".mvn", ".idea", ".athena");

    private final int codeBytes;
    private final List<SourceFile> files;
    private final String description;
    /** One request in this many is a bad one; 0 for none. */
    private final int badEvery;

    private record SourceFile(String path, String code) {
    }

    private BenchInput(int codeBytes, List<SourceFile> files, String description, int badEvery) {
        this.codeBytes = codeBytes;
        this.files = files;
        this.description = description;
        this.badEvery = badEvery;
    }

    /** A 4-line Python function of ~100 bytes, padded with more functions to about {@code codeBytes}. */
    static BenchInput generated(int codeBytes) {
        return new BenchInput(codeBytes, List.of(), "code of ~" + Math.max(100, codeBytes) + " bytes", 0);
    }

    /**
     * The source files under {@code root} (by extension, build output and VCS folders left out), those of at most
     * {@code maxCodeBytes} and valid UTF-8, in path order so every run sends the same requests.
     */
    static BenchInput sources(Path root, int maxCodeBytes) {
        List<SourceFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).filter(BenchInput::isSource).sorted().toList()) {
                long size = Files.size(file);
                if (size == 0 || size > maxCodeBytes) {
                    continue;
                }
                try {
                    files.add(new SourceFile(root.relativize(file).toString(), Files.readString(file)));
                } catch (CharacterCodingException notUtf8) {
                    // admission would refuse it; a benchmark of accepted requests leaves it out
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sources under " + root, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no source files under " + root.toAbsolutePath());
        }
        long[] sizes = files.stream().mapToLong(f -> f.code().getBytes(StandardCharsets.UTF_8).length).sorted()
                .toArray();
        long total = Arrays.stream(sizes).sum();
        return new BenchInput(0, List.copyOf(files), String.format(Locale.ROOT, "%,d source files under %s (code "
                + "median %,d bytes, mean %,d, largest %,d)", files.size(), root.toAbsolutePath().normalize(),
                sizes[sizes.length / 2], total / sizes.length, sizes[sizes.length - 1]), 0);
    }

    /**
     * The same requests, except that one in {@code every} (0: none) is a bad one, the kinds of {@link BadRequest}
     * in turn, each with the request id and client of the request it replaces.
     */
    BenchInput withBadOnes(int every) {
        if (every < 0) {
            throw new IllegalArgumentException("bench.bad must be 0 (none) or N >= 1 (one request in N) but was "
                    + every);
        }
        String bad = every == 0 ? "" : String.format(Locale.ROOT, ", one request in %d a bad one (%s in turn)",
                every, Arrays.toString(BadRequest.values()));
        return new BenchInput(codeBytes, files, description + bad, every);
    }

    /** How many of the first {@code records} requests of a burst are bad ones. */
    int badOnes(int records) {
        int bad = 0;
        for (int i = 0; i < records; i++) {
            if (isBad(i)) {
                bad++;
            }
        }
        return bad;
    }

    /** The second of every {@code badEvery} (an interactive request whose question is asked once). */
    private boolean isBad(int i) {
        return badEvery == 1 || badEvery > 1 && i % badEvery == 1;
    }

    String description() {
        return description;
    }

    /** The request id of request {@code i} of burst {@code burst}, also its record's key. */
    static String requestId(int burst, int i) {
        return burst == 0 ? "bench-" + i : "bench-" + burst + "-" + i;
    }

    /**
     * Request number {@code i} of burst {@code burst}, as its record value. Bursts after the first (0) have request
     * ids and questions of their own, so a collector kept running across them takes each as new work, neither a
     * client retrying nor a question it has asked before.
     */
    byte[] request(int burst, int i) {
        String requestId = requestId(burst, i);
        int asked = i % 10 == 9 ? i - 1 : i;
        String question = (burst == 0 ? "" : burst + "_") + asked;
        String lane = i % 5 == 0 ? "bulk" : "interactive";
        String client = "client-" + (i % 8);
        if (isBad(i)) {
            return BadRequest.values()[(i / badEvery) % BadRequest.values().length].body(requestId, client);
        }
        if (files.isEmpty()) {
            String body = "{\"schemaVersion\":1,\"requestId\":\"" + requestId + "\",\"clientId\":\"" + client
                    + "\",\"analysisType\":\"security\",\"language\":\"python\",\"path\":\"src/m" + question
                    + ".py\",\"code\":\"import os\\ndef handler_" + question + "(event):\\n"
                    + "    cmd = event['cmd']\\n    return os.system(cmd + '" + question + "')\\n"
                    + filler(codeBytes) + "\",\"lane\":\"" + lane + "\",\"createdAt\":\"2026-11-30T10:15:00Z\"}";
            return body.getBytes(StandardCharsets.UTF_8);
        }
        SourceFile file = files.get(asked % files.size());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("schemaVersion", 1);
        body.put("requestId", requestId);
        body.put("clientId", client);
        body.put("analysisType", "security");
        body.put("path", file.path());
        // a line of its own per question, so a file sent again in another round is another question (cache key)
        body.put("code", file.code() + "\n" + comment(file.path()) + " question " + question + "\n");
        body.put("lane", lane);
        body.put("createdAt", "2026-11-30T10:15:00Z");
        return Json.write(body);
    }

    /**
     * Lines of code (JSON-escaped) that bring a request's code to about {@code codeBytes}. Without them a request
     * carries a 4-line function of ~100 bytes, the smallest a team would send, where the collector's cost per
     * request weighs most against the pass-through's cost per byte.
     */
    private static String filler(int codeBytes) {
        StringBuilder lines = new StringBuilder();
        for (int line = 0; lines.length() < codeBytes - 100; line++) {
            lines.append("def step_").append(line).append("(value):\\n    if value is None:\\n")
                    .append("        raise ValueError('step ").append(line).append(" needs a value')\\n")
                    .append("    return value * ").append(line + 2).append("\\n");
        }
        return lines.toString();
    }

    private static String comment(String path) {
        return switch (extension(path)) {
            case "py", "rb", "sh" -> "#";
            case "sql" -> "--";
            default -> "//";
        };
    }

    private static boolean isSource(Path file) {
        for (Path part : file) {
            if (SKIPPED_DIRECTORIES.contains(part.toString())) {
                return false;
            }
        }
        return SOURCE_EXTENSIONS.contains(extension(file.getFileName().toString()));
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
