package dev.athena.workers.provider.builtin;

import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Quality and complexity rules over the functions the scanner found: long functions, deep nesting, the
 * cyclomatic estimate, long parameter lists and swallowed exceptions. Thresholds are the common defaults of
 * linters (50 lines, nesting 3, complexity 10, 5 parameters).
 */
final class StructureRules {
    static final String LONG_FUNCTION = "long-function";
    static final String DEEP_NESTING = "deep-nesting";
    static final String COMPLEX_FUNCTION = "complex-function";
    static final String CYCLOMATIC = "cyclomatic-complexity";
    static final String TOO_MANY_PARAMETERS = "too-many-parameters";
    static final String EMPTY_CATCH = "empty-catch";

    static final int MAX_LINES = 50;
    static final int MAX_NESTING = 3;
    static final int MAX_COMPLEXITY = 10;
    static final int MAX_PARAMETERS = 5;

    private static final Pattern C_EMPTY_CATCH = Pattern.compile("\\bcatch\\s*(?:\\([^)]*\\))?\\s*\\{\\s*}");
    private static final Pattern C_CATCH_OPEN = Pattern.compile("\\bcatch\\s*(?:\\([^)]*\\))?\\s*\\{\\s*$");
    private static final Pattern PY_EXCEPT = Pattern.compile("^\\s*except\\b[^:]*:\\s*(pass)?\\s*$");

    private StructureRules() {
    }

    static List<Finding> quality(SourceText src, List<FunctionSpan> functions) {
        SecurityRules.Findings out = new SecurityRules.Findings();
        for (FunctionSpan f : functions) {
            longFunction(f, out);
            deepNesting(f, out);
            if (f.cyclomatic() > MAX_COMPLEXITY) {
                out.add(COMPLEX_FUNCTION, complexitySeverity(f.cyclomatic()), f.startLine(), "function '" + f.name()
                        + "' has cyclomatic complexity " + f.cyclomatic() + " (limit " + MAX_COMPLEXITY + ")",
                        "split the decisions into smaller functions or replace conditionals with a lookup");
            }
            if (f.parameters() > MAX_PARAMETERS) {
                out.add(TOO_MANY_PARAMETERS, Severity.LOW, f.startLine(), "function '" + f.name() + "' takes "
                        + f.parameters() + " parameters (limit " + MAX_PARAMETERS + ")",
                        "group related parameters into a record or object");
            }
        }
        emptyCatches(src, out);
        return out.list();
    }

    static List<Finding> complexity(List<FunctionSpan> functions) {
        SecurityRules.Findings out = new SecurityRules.Findings();
        for (FunctionSpan f : functions) {
            Severity severity = f.cyclomatic() > MAX_COMPLEXITY ? complexitySeverity(f.cyclomatic()) : Severity.INFO;
            out.add(CYCLOMATIC, severity, f.startLine(), "function '" + f.name() + "' has cyclomatic complexity "
                    + f.cyclomatic() + " (" + f.length() + " lines, nesting " + f.nesting() + ")",
                    severity == Severity.INFO ? "no action needed"
                            : "split the decisions into smaller functions (limit " + MAX_COMPLEXITY + ")");
            longFunction(f, out);
            deepNesting(f, out);
        }
        return out.list();
    }

    private static void longFunction(FunctionSpan f, SecurityRules.Findings out) {
        if (f.length() > MAX_LINES) {
            out.add(LONG_FUNCTION, f.length() > 2 * MAX_LINES ? Severity.MEDIUM : Severity.LOW, f.startLine(),
                    "function '" + f.name() + "' is " + f.length() + " lines long (limit " + MAX_LINES + ")",
                    "split it into smaller functions that each do one thing");
        }
    }

    private static void deepNesting(FunctionSpan f, SecurityRules.Findings out) {
        if (f.nesting() > MAX_NESTING) {
            out.add(DEEP_NESTING, Severity.MEDIUM, f.nestingLine(), "function '" + f.name() + "' nests blocks "
                    + f.nesting() + " deep (limit " + MAX_NESTING + ")",
                    "return early, or move the inner blocks into functions of their own");
        }
    }

    private static Severity complexitySeverity(int cyclomatic) {
        return cyclomatic > 2 * MAX_COMPLEXITY ? Severity.HIGH : Severity.MEDIUM;
    }

    private static void emptyCatches(SourceText src, SecurityRules.Findings out) {
        for (int line = 1; line <= src.lineCount(); line++) {
            String masked = src.masked(line);
            boolean empty;
            if (src.language() == Language.PYTHON) {
                var m = PY_EXCEPT.matcher(masked);
                empty = m.matches() && (m.group(1) != null || "pass".equals(nextCodeLine(src, line)));
            } else {
                empty = C_EMPTY_CATCH.matcher(masked).find() || C_CATCH_OPEN.matcher(masked).find()
                        && line < src.lineCount() && src.code(line + 1).strip().equals("}");
            }
            if (empty) {
                out.add(EMPTY_CATCH, Severity.MEDIUM, line, "exception swallowed by an empty handler",
                        "handle it, log it with context, or let it propagate");
            }
        }
    }

    private static String nextCodeLine(SourceText src, int line) {
        for (int l = line + 1; l <= src.lineCount(); l++) {
            if (!src.masked(l).isBlank()) {
                return src.masked(l).strip();
            }
        }
        return "";
    }
}
