package dev.athena.workers.provider.builtin;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The languages the offline analyser knows. TypeScript is read as JavaScript: the rules look at calls and
 * blocks, not at types. {@link #UNKNOWN} gets the brace-language structure rules and every security rule.
 */
enum Language {
    JAVA("Java", true), PYTHON("Python", false), JAVASCRIPT("JavaScript/TypeScript", true), GO("Go", true),
    UNKNOWN("unknown language", true);

    private static final Pattern GO_HINT = Pattern.compile("(?m)^package\\s+\\w+\\s*$|^func\\s+");
    private static final Pattern JAVA_HINT = Pattern.compile(
            "(?m)^\\s*(public\\s+|final\\s+|abstract\\s+)*(class|interface|record|enum)\\s+\\w+|^\\s*import\\s+java\\.|^package\\s+[\\w.]+;");
    private static final Pattern PYTHON_HINT = Pattern.compile(
            "(?m)^\\s*(def\\s+\\w+\\s*\\(.*\\)\\s*(->.*)?:\\s*$|from\\s+[\\w.]+\\s+import\\s|import\\s+[\\w.]+\\s*$|class\\s+\\w+(\\(.*\\))?:\\s*$)");
    private static final Pattern JS_HINT = Pattern.compile(
            "\\bfunction\\b|=>|\\brequire\\(|\\b(const|let|var)\\s+\\w+\\s*=|^\\s*import\\s.+from\\s+['\"]|\\bexport\\s+");

    private final String displayName;
    private final boolean braces;

    Language(String displayName, boolean braces) {
        this.displayName = displayName;
        this.braces = braces;
    }

    String displayName() {
        return displayName;
    }

    /** Blocks delimited by braces (as opposed to Python's indentation). */
    boolean braces() {
        return braces;
    }

    /** From the request's language, else the path's extension, else the code itself. */
    static Language detect(String declared, String path, String code) {
        Language byName = fromName(declared);
        if (byName != UNKNOWN) {
            return byName;
        }
        Language byPath = fromPath(path);
        if (byPath != UNKNOWN) {
            return byPath;
        }
        return fromContent(code);
    }

    static Language fromName(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "java" -> JAVA;
            case "python", "py", "python3" -> PYTHON;
            case "javascript", "js", "typescript", "ts", "jsx", "tsx", "node", "nodejs", "ecmascript" -> JAVASCRIPT;
            case "go", "golang" -> GO;
            default -> UNKNOWN;
        };
    }

    static Language fromPath(String path) {
        if (path == null) {
            return UNKNOWN;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        if (dot < 0) {
            return UNKNOWN;
        }
        return switch (lower.substring(dot + 1)) {
            case "java" -> JAVA;
            case "py", "pyw" -> PYTHON;
            case "js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts" -> JAVASCRIPT;
            case "go" -> GO;
            default -> UNKNOWN;
        };
    }

    static Language fromContent(String code) {
        if (GO_HINT.matcher(code).find() && code.contains("func ")) {
            return GO;
        }
        if (JAVA_HINT.matcher(code).find() && code.contains(";")) {
            return JAVA;
        }
        if (PYTHON_HINT.matcher(code).find()) {
            return PYTHON;
        }
        if (JS_HINT.matcher(code).find()) {
            return JAVASCRIPT;
        }
        return UNKNOWN;
    }
}
