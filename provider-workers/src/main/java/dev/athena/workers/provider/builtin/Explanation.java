package dev.athena.workers.provider.builtin;

import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain structural summary for {@code explain}: line counts, imports, types and functions, each as an
 * {@code info} finding at its line so that an editor can jump to it.
 */
final class Explanation {
    static final String IMPORTS = "explain-imports";
    static final String TYPE = "explain-type";
    static final String FUNCTION = "explain-function";

    private static final Pattern C_TYPE = Pattern.compile(
            "(?:^|\\s)(class|interface|enum|record)\\s+([A-Za-z_$][\\w$]*)");
    private static final Pattern GO_TYPE = Pattern.compile("^type\\s+(\\w+)\\s+(struct|interface)\\b");
    private static final Pattern PY_TYPE = Pattern.compile("^\\s*(class)\\s+(\\w+)");
    private static final Pattern JAVA_IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.*]+)\\s*;");
    private static final Pattern PY_IMPORT = Pattern.compile("^\\s*(?:from\\s+([\\w.]+)\\s+import\\b|import\\s+([\\w., ]+))");
    private static final Pattern JS_IMPORT = Pattern.compile(
            "^\\s*import\\s+(?:.+\\s+from\\s+)?[\"']([^\"']+)[\"']|\\brequire\\s*\\(\\s*[\"']([^\"']+)[\"']\\s*\\)");
    private static final Pattern GO_IMPORT_LINE = Pattern.compile("^\\s*import\\s+(?:\\w+\\s+)?\"([^\"]+)\"");
    private static final Pattern GO_IMPORT_IN_BLOCK = Pattern.compile("^\\s*(?:[\\w.]+\\s+)?\"([^\"]+)\"\\s*$");

    record Summary(String text, List<Finding> findings) {
    }

    private Explanation() {
    }

    static Summary explain(SourceText src, List<FunctionSpan> functions, String path) {
        List<Finding> findings = new ArrayList<>();
        List<String> imports = new ArrayList<>();
        int firstImport = imports(src, imports);
        if (!imports.isEmpty()) {
            findings.add(new Finding(IMPORTS, Severity.INFO, firstImport, imports.size() + " import"
                    + plural(imports.size()) + ": " + abbreviate(String.join(", ", imports)), null));
        }
        int types = 0;
        for (int line = 1; line <= src.lineCount(); line++) {
            Matcher m = typeMatcher(src.language(), src.masked(line));
            if (m != null) {
                types++;
                String kind = src.language() == Language.GO ? m.group(2) : m.group(1);
                String name = src.language() == Language.GO ? m.group(1) : m.group(2);
                findings.add(new Finding(TYPE, Severity.INFO, line, kind + " " + name, null));
            }
        }
        for (FunctionSpan f : functions) {
            findings.add(new Finding(FUNCTION, Severity.INFO, f.startLine(), "function '" + f.name() + "' (lines "
                    + f.startLine() + "-" + f.endLine() + ", " + f.parameters() + " parameter" + plural(f.parameters())
                    + ", cyclomatic complexity " + f.cyclomatic() + ")", null));
        }
        int blank = 0;
        int comment = 0;
        for (int line = 1; line <= src.lineCount(); line++) {
            if (src.isBlank(line)) {
                blank++;
            } else if (src.isCommentOnly(line)) {
                comment++;
            }
        }
        int code = src.lineCount() - blank - comment;
        String subject = src.language().displayName() + (path == null || path.isBlank() ? " code" : " file " + path);
        String text = subject + ": " + src.lineCount() + " line" + plural(src.lineCount()) + " (" + code + " code, "
                + comment + " comment, " + blank + " blank), " + functions.size() + " function"
                + plural(functions.size()) + ", " + types + " type" + plural(types) + ", " + imports.size()
                + " import" + plural(imports.size()) + ".";
        return new Summary(text, findings);
    }

    private static Matcher typeMatcher(Language language, String masked) {
        Pattern p = switch (language) {
            case GO -> GO_TYPE;
            case PYTHON -> PY_TYPE;
            default -> C_TYPE;
        };
        Matcher m = p.matcher(masked);
        return m.find() ? m : null;
    }

    /** Collects imported names; returns the line of the first import, or 0. */
    private static int imports(SourceText src, List<String> out) {
        int first = 0;
        boolean goBlock = false;
        for (int line = 1; line <= src.lineCount(); line++) {
            String code = src.code(line);
            List<String> found = new ArrayList<>();
            switch (src.language()) {
                case JAVA -> group(JAVA_IMPORT.matcher(code), found);
                case PYTHON -> {
                    Matcher m = PY_IMPORT.matcher(code);
                    if (m.find()) {
                        if (m.group(1) != null) {
                            found.add(m.group(1));
                        } else {
                            for (String part : m.group(2).split(",")) {
                                found.add(part.strip().split("\\s+")[0]);
                            }
                        }
                    }
                }
                case GO -> {
                    if (code.strip().startsWith("import (")) {
                        goBlock = true;
                    } else if (goBlock && code.strip().equals(")")) {
                        goBlock = false;
                    } else {
                        group((goBlock ? GO_IMPORT_IN_BLOCK : GO_IMPORT_LINE).matcher(code), found);
                    }
                }
                default -> group(JS_IMPORT.matcher(code), found);
            }
            if (!found.isEmpty()) {
                out.addAll(found);
                first = first == 0 ? line : first;
            }
        }
        return first;
    }

    private static void group(Matcher m, List<String> out) {
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    out.add(m.group(g));
                    break;
                }
            }
        }
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
