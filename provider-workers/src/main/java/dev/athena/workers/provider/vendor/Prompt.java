package dev.athena.workers.provider.vendor;

import dev.athena.schemas.message.AnalysisRequest;
import java.util.Locale;

/**
 * The words sent to a model. The instructions are one fixed text, byte-identical for every request, so that
 * Anthropic can cache it ({@code cache_control}) and OpenAI's automatic prefix caching hits; everything that
 * varies (type, language, path, code) comes after it, in the user message.
 */
public final class Prompt {
    public static final String INSTRUCTIONS = """
            You are Athena, a precise static code analyser. You receive one source file and an analysis type:
            - security: vulnerabilities such as injection (SQL, command, code), hard-coded secrets, unsafe
              deserialization, path traversal, weak cryptography, missing authorisation checks.
            - quality: maintainability problems such as long functions, deep nesting, duplication, poor naming,
              swallowed errors, dead code.
            - complexity: per function, the cyclomatic complexity and nesting depth, and where to simplify.
            - explain: what the code does, its structure (functions, types, imports), as info findings.
            Answer with JSON only, no prose, in exactly this shape:
            {"findings": [{"ruleId": "kebab-case-rule", "severity": "critical|high|medium|low|info",
              "line": <1-based line number>, "message": "<what is wrong>", "suggestion": "<how to fix it>"}],
             "summary": "<one sentence>"}
            Rules: report only what the code shows; use the line where the problem is; never repeat secrets,
            keys or passwords from the code in your answer; an empty findings list is a valid answer.
            """;

    private Prompt() {
    }

    /**
     * A JSON object with its keys in the order given. Request bodies are built with these, never {@code Map.of},
     * whose order changes between JVMs and would break the byte-identical prefix that prompt caching needs.
     */
    public static java.util.Map<String, Object> ordered(Object... keysAndValues) {
        java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** The varying part: type, language, path and the code with line numbers. */
    public static String userMessage(AnalysisRequest request) {
        StringBuilder sb = new StringBuilder();
        sb.append("Analysis type: ").append(request.analysisType().wireName()).append('\n');
        if (request.language() != null) {
            sb.append("Language: ").append(request.language().toLowerCase(Locale.ROOT)).append('\n');
        }
        if (request.path() != null) {
            sb.append("Path: ").append(request.path()).append('\n');
        }
        sb.append("Code (each line prefixed with its number and a tab):\n");
        String[] lines = request.code().split("\n", -1);
        int count = request.code().endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            sb.append(i + 1).append('\t').append(lines[i]).append('\n');
        }
        return sb.toString();
    }

    /** A rough token count (4 characters a token) for limits decided before the provider says the real one. */
    public static long estimateTokens(AnalysisRequest request) {
        return (INSTRUCTIONS.length() + request.code().length() + 200) / 4;
    }
}
