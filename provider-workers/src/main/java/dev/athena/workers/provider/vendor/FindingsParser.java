package dev.athena.workers.provider.vendor;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import dev.athena.workers.provider.spi.FatalProviderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads the findings out of a model's text. Models wrap JSON in prose and code fences, or answer with a bare
 * array; this tries, in order: each fenced block, the outermost braces, the outermost brackets. A text with no
 * readable findings JSON is a {@link FatalProviderException.Kind#CONTRACT} failure whose message describes
 * the text by size only (it may echo the code).
 */
public final class FindingsParser {
    private static final Pattern FENCE = Pattern.compile("```[a-zA-Z]*\\s*\\n?(.*?)```", Pattern.DOTALL);

    /** Findings and the model's own summary (null when it gave none). */
    public record Parsed(List<Finding> findings, String summary) {
    }

    private FindingsParser() {
    }

    public static Parsed parse(String provider, String text) {
        if (text == null || text.isBlank()) {
            throw new FatalProviderException(provider, FatalProviderException.Kind.CONTRACT,
                    "the model returned an empty answer");
        }
        List<String> candidates = new ArrayList<>();
        Matcher fence = FENCE.matcher(text);
        while (fence.find()) {
            candidates.add(fence.group(1));
        }
        candidates.add(between(text, '{', '}'));
        candidates.add(between(text, '[', ']'));
        for (String candidate : candidates) {
            if (candidate == null || candidate.isBlank()) {
                continue;
            }
            Parsed parsed = tryParse(candidate.strip());
            if (parsed != null) {
                return parsed;
            }
        }
        throw new FatalProviderException(provider, FatalProviderException.Kind.CONTRACT,
                "the model's answer held no readable findings JSON (" + text.length() + " characters)");
    }

    private static String between(String text, char open, char close) {
        int start = text.indexOf(open);
        int end = text.lastIndexOf(close);
        return start >= 0 && end > start ? text.substring(start, end + 1) : null;
    }

    private static Parsed tryParse(String json) {
        JsonNode root;
        try {
            root = Json.tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
        JsonNode list;
        String summary = null;
        if (root.isArray()) {
            list = root;
        } else if (root.isObject() && root.get("findings") != null && root.get("findings").isArray()) {
            list = root.get("findings");
            JsonNode s = root.get("summary");
            summary = s != null && s.isString() ? s.stringValue() : null;
        } else {
            return null;
        }
        List<Finding> findings = new ArrayList<>();
        for (JsonNode node : list) {
            if (!node.isObject()) {
                return null;
            }
            String message = text(node, "message", "description", "issue");
            if (message == null) {
                continue; // a finding that says nothing is dropped, not fatal
            }
            String rule = text(node, "ruleId", "rule", "id", "type");
            Severity severity = Severity.fromWire(text(node, "severity", "level")).orElse(Severity.MEDIUM);
            int line = node.get("line") != null && node.get("line").canConvertToInt() ? Math.max(0, node.get("line").asInt())
                    : node.get("line") != null && node.get("line").isString() ? parseLine(node.get("line").stringValue()) : 0;
            findings.add(new Finding(rule == null ? "model-finding" : kebab(rule), severity, line, message,
                    text(node, "suggestion", "fix", "recommendation")));
        }
        return new Parsed(findings, summary);
    }

    private static int parseLine(String value) {
        Matcher m = Pattern.compile("\\d+").matcher(value);
        return m.find() ? Integer.parseInt(m.group()) : 0;
    }

    private static String text(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode v = node.get(name);
            if (v != null && v.isValueNode() && !v.isNull() && !v.asString().isBlank()) {
                return v.asString();
            }
        }
        return null;
    }

    private static String kebab(String rule) {
        return rule.strip().replaceAll("([a-z0-9])([A-Z])", "$1-$2").replaceAll("[\\s_]+", "-")
                .toLowerCase(Locale.ROOT);
    }
}
