package dev.athena.workers.provider.builtin;

import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The security rules: hard-coded secrets, code and command injection, SQL built from strings, unsafe
 * deserialization, and those of {@link CryptoRules} (TLS checks off, weak hashes and ciphers). Secret rules read the raw text (a key in a comment is still leaked); the others read the
 * comment-free view, and call rules the masked one so that a call named inside a string does not count.
 * Messages name the variable or the kind of secret, never the secret itself.
 */
final class SecurityRules {
    static final String HARDCODED_SECRET = "hardcoded-secret";
    static final String CODE_INJECTION = "code-injection";
    static final String COMMAND_INJECTION = "command-injection";
    static final String SQL_INJECTION = "sql-injection";
    static final String UNSAFE_DESERIALIZATION = "unsafe-deserialization";

    private static final Set<Language> ALL = EnumSet.allOf(Language.class);
    private static final String SECRET_FIX = "load it from the environment or a secret manager, and rotate it";

    private static final Pattern AWS_KEY = Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b");
    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----");
    private static final Pattern TOKEN_SHAPES = Pattern.compile(
            "\\b(?:gh[pousr]_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{24,})\\b");
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)([\\w.$\\[\\]'\"-]*?(?:passw(?:or)?d|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[\\w$]*)"
                    + "['\"]?\\s*(?::\\s*[\\w\\[\\]|. ]+?\\s*)?(?::=|=>|(?<![=!<>:])=(?!=)|:)\\s*[rbuf]?([\"'`])([^\"'`\\s]{3,})\\2");
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?i)^(?:\\$\\{.*}|<.*>|%\\(?\\w*\\)?s|\\{\\{.*}}|x+|\\*+|\\.+|none|null|nil|undefined|true|false|"
                    + "(?:your|my|some|example|dummy|placeholder|redacted)[_-]?.*)$");

    private static final Pattern PY_EVAL = Pattern.compile("(?<![\\w.])(?<!def\\s)(eval|exec)\\s*\\(");
    private static final Pattern JS_EVAL = Pattern.compile(
            "(?<![\\w.$])eval\\s*\\(|\\bnew\\s+Function\\s*\\(|\\bset(?:Timeout|Interval)\\s*\\(\\s*[\"'`]");
    private static final Pattern JAVA_SCRIPT_ENGINE = Pattern.compile("\\b\\w*[eE]ngine\\s*\\.\\s*eval\\s*\\(");

    private static final Pattern JAVA_RUNTIME_EXEC = Pattern.compile("\\bRuntime\\s*\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*exec\\s*\\(|\\b\\w*[rR]untime\\s*\\.\\s*exec\\s*\\(");
    private static final Pattern JAVA_PROCESS_BUILDER = Pattern.compile("\\bnew\\s+ProcessBuilder\\s*\\(");
    private static final Pattern PY_OS_SHELL = Pattern.compile("\\bos\\s*\\.\\s*(system|popen|popen2|popen3)\\s*\\(|\\bcommands\\s*\\.\\s*getoutput\\s*\\(");
    private static final Pattern PY_SUBPROCESS = Pattern.compile("\\bsubprocess\\s*\\.\\s*(?:call|run|Popen|check_output|check_call|getoutput|getstatusoutput)\\s*\\(");
    private static final Pattern SHELL_TRUE = Pattern.compile("\\bshell\\s*=\\s*True\\b");
    private static final Pattern JS_CHILD_PROCESS_INLINE = Pattern.compile(
            "require\\s*\\(\\s*[\"'](?:node:)?child_process[\"']\\s*\\)\\s*\\.\\s*(exec|execSync)\\s*\\(");
    private static final Pattern JS_CHILD_PROCESS_BINDING = Pattern.compile(
            "(?:(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*require\\s*\\(\\s*[\"'](?:node:)?child_process[\"']\\s*\\)"
                    + "|import\\s+(?:\\*\\s+as\\s+)?([\\w$]+)\\s+from\\s+[\"'](?:node:)?child_process[\"'])");
    private static final Pattern JS_CHILD_PROCESS_DESTRUCTURED = Pattern.compile(
            "(?:(?:const|let|var)\\s*\\{([^}]*)}\\s*=\\s*require\\s*\\(\\s*[\"'](?:node:)?child_process[\"']\\s*\\)"
                    + "|import\\s*\\{([^}]*)}\\s*from\\s+[\"'](?:node:)?child_process[\"'])");
    private static final Pattern JS_SPAWN_SHELL = Pattern.compile("\\bspawn(?:Sync)?\\s*\\(.*\\bshell\\s*:\\s*true\\b");
    private static final Pattern GO_SHELL = Pattern.compile(
            "\\bexec\\s*\\.\\s*Command(?:Context)?\\s*\\((?:\\s*\\w+\\s*,)?\\s*\"(?:/bin/|/usr/bin/)?(?:sh|bash|zsh|cmd|cmd\\.exe|powershell)\"\\s*,\\s*\"(?:-c|/c|/C|-Command)\"");

    private static final Pattern SQL_TEXT = Pattern.compile(
            "(?i)[\"'`]\\s*(?:[^\"'`]*?\\b)?(?:select\\s+[^\"'`]*?\\bfrom\\b|insert\\s+into\\b|update\\s+[\\w.\"`]+\\s+set\\b|delete\\s+from\\b|replace\\s+into\\b|merge\\s+into\\b|drop\\s+table\\b|(?:where|and|or)\\s+[\\w.]+\\s*(?:=|\\blike\\b|\\bin\\b)\\s*)");
    /** What follows a SQL string literal that a value is added to: {@code "... id = " + id}. */
    private static final Pattern SQL_CONCAT_AFTER = Pattern.compile("\\+\\s*[\\w$(\\[]|\\.\\s*concat\\s*\\(");
    /** What comes before a SQL string literal added to a value: {@code base + " WHERE id = 1"}. */
    private static final Pattern SQL_CONCAT_BEFORE = Pattern.compile("[\\w$)\\]]\\s*\\+$");
    private static final Pattern CONTINUED_BY_VALUE = Pattern.compile("^(?:\\+\\s*)?[\\w$(].*");
    private static final Pattern SQL_PY_FORMAT = Pattern.compile("[\"']\\s*%\\s*[\\w(\\[{]|[\"']\\s*\\.\\s*format\\s*\\(");
    private static final Pattern SQL_F_STRING = Pattern.compile(
            "(?<![\\w])[rRbB]?[fF][rRbB]?(?:\"[^\"]*\\{[^}]+}|'[^']*\\{[^}]+})");
    private static final Pattern SQL_TEMPLATE = Pattern.compile("`[^`]*\\$\\{[^}]+}");
    private static final Pattern SQL_FORMAT_CALL = Pattern.compile(
            "\\b(?:String\\s*\\.\\s*format|fmt\\s*\\.\\s*Sprintf|\\.formatted)\\s*\\(|[\"']\\s*\\.\\s*formatted\\s*\\(");

    private static final Pattern JAVA_OBJECT_STREAM = Pattern.compile("\\bnew\\s+(ObjectInputStream|XMLDecoder)\\s*\\(|\\bnew\\s+XStream\\s*\\(");
    private static final Pattern PY_PICKLE = Pattern.compile("\\b(?:c?[pP]ickle|dill|marshal|shelve|jsonpickle)\\s*\\.\\s*(?:loads?|Unpickler|open|decode)\\s*\\(");
    private static final Pattern PY_YAML_LOAD = Pattern.compile("\\byaml\\s*\\.\\s*(load|load_all|unsafe_load|full_load)\\s*\\(");
    private static final Pattern PY_SAFE_LOADER = Pattern.compile("Loader\\s*=\\s*(?:yaml\\s*\\.\\s*)?C?SafeLoader|\\bSafeLoader\\b");
    private static final Pattern JS_UNSERIALIZE = Pattern.compile("(?<![\\w$])(?:[\\w$]+\\s*\\.\\s*)?unserialize\\s*\\(|require\\s*\\(\\s*[\"']node-serialize[\"']\\s*\\)");
    private static final Pattern GO_GOB_ANY = Pattern.compile("\\.Decode\\s*\\(\\s*&?\\w*\\s*\\)");

    /**
     * A value shaped like the name of a setting, metric or key rather than a secret: an upper-case constant name,
     * or lower-case words joined by dots, dashes or underscores (at least two words).
     */
    private static final Pattern IDENTIFIER_VALUE = Pattern.compile(
            "[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z][a-z0-9]*(?:[._-][a-z][a-z0-9]*)+");
    private static final Pattern NAME_WORDS = Pattern.compile("[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\\d+");
    /** What comes before a quoted name that is the first branch of a conditional, not a key: {@code ? "a" : "b"}. */
    private static final Pattern CONDITIONAL_BRANCH = Pattern.compile("\\?\\s*[\"'`]?$");

    /** Names that hold a secret's label, not the secret: {@code token_type = "bearer"}. */
    private static final Pattern NOT_A_SECRET_NAME = Pattern.compile(
            "(?i).*(?:type|name|url|uri|path|file|field|header|key_?id|_id|length|len|prefix|label|format|endpoint|param|env|var|pattern|regex|policy|mode|count)$");

    private SecurityRules() {
    }

    static List<Finding> check(SourceText src) {
        Findings out = new Findings();
        Language lang = src.language();
        Set<String> jsExecNames = lang == Language.JAVASCRIPT || lang == Language.UNKNOWN ? childProcessNames(src) : Set.of();
        boolean gobInterface = (lang == Language.GO || lang == Language.UNKNOWN) && goDecodesIntoInterface(src);
        for (int line = 1; line <= src.lineCount(); line++) {
            secrets(src, line, out);
            String code = src.code(line);
            String masked = src.masked(line);
            if (code.isBlank()) {
                continue;
            }
            codeInjection(lang, line, masked, out);
            commandInjection(src, lang, line, masked, jsExecNames, out);
            sqlInjection(src, lang, line, out);
            deserialization(src, lang, line, masked, gobInterface, out);
            CryptoRules.check(src, lang, line, out);
        }
        return out.list();
    }

    private static void secrets(SourceText src, int line, Findings out) {
        String raw = src.raw(line);
        if (AWS_KEY.matcher(raw).find()) {
            out.add(HARDCODED_SECRET, Severity.CRITICAL, line, "AWS access key ID hard-coded in the source",
                    "remove it, deactivate the key in IAM and " + SECRET_FIX);
            return;
        }
        if (PRIVATE_KEY.matcher(raw).find()) {
            out.add(HARDCODED_SECRET, Severity.CRITICAL, line, "private key block embedded in the source",
                    "remove the key, treat it as compromised and " + SECRET_FIX);
            return;
        }
        if (TOKEN_SHAPES.matcher(raw).find()) {
            out.add(HARDCODED_SECRET, Severity.CRITICAL, line, "API token hard-coded in the source", SECRET_FIX);
            return;
        }
        Matcher m = SECRET_ASSIGNMENT.matcher(src.code(line));
        while (m.find()) {
            String value = m.group(3);
            String name = m.group(1).replaceAll("[\"'\\[\\]]", "");
            if (PLACEHOLDER.matcher(value).matches() || value.startsWith("$") || value.contains("{{")
                    || NOT_A_SECRET_NAME.matcher(name).matches()
                    || name.toLowerCase(Locale.ROOT).endsWith(value.toLowerCase(Locale.ROOT))
                    || spellsName(name, value)
                    || CONDITIONAL_BRANCH.matcher(src.code(line).substring(0, m.start(1))).find()) {
                continue;
            }
            out.add(HARDCODED_SECRET, Severity.HIGH, line,
                    "hard-coded " + secretKind(name) + " assigned to '" + name + "'", SECRET_FIX);
            return;
        }
    }

    /**
     * True when the value is shaped like an identifier and holds every word of the name: a constant that names a
     * setting, metric or key ({@code MAX_TOKENS = "ATHENA_BATCH_MAX_TOKENS"}, {@code CREDENTIAL =
     * "athena.credential"}), where a password ({@code DB_PASSWORD = "hunter2-production"}) does not.
     */
    private static boolean spellsName(String name, String value) {
        if (!IDENTIFIER_VALUE.matcher(value).matches()) {
            return false;
        }
        String lowerValue = value.toLowerCase(Locale.ROOT);
        Matcher words = NAME_WORDS.matcher(name);
        boolean any = false;
        while (words.find()) {
            String word = words.group().toLowerCase(Locale.ROOT);
            if (word.length() < 3) {
                continue;
            }
            if (!lowerValue.contains(word)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static String secretKind(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.contains("pass") || lower.contains("pwd")) {
            return "password";
        }
        if (lower.contains("token")) {
            return "token";
        }
        if (lower.contains("key")) {
            return "key";
        }
        return "secret";
    }

    private static void codeInjection(Language lang, int line, String masked, Findings out) {
        if ((lang == Language.PYTHON || lang == Language.UNKNOWN) && PY_EVAL.matcher(masked).find()) {
            Matcher m = PY_EVAL.matcher(masked);
            m.find();
            out.add(CODE_INJECTION, Severity.HIGH, line, m.group(1) + "() runs arbitrary code",
                    "parse the input instead (ast.literal_eval for literals, json.loads for data)");
        }
        if ((lang == Language.JAVASCRIPT || lang == Language.UNKNOWN) && JS_EVAL.matcher(masked).find()) {
            out.add(CODE_INJECTION, Severity.HIGH, line, "eval-like call runs arbitrary code",
                    "parse the input (JSON.parse) or dispatch on known values instead of evaluating code");
        }
        if ((lang == Language.JAVA || lang == Language.UNKNOWN) && JAVA_SCRIPT_ENGINE.matcher(masked).find()) {
            out.add(CODE_INJECTION, Severity.HIGH, line, "script engine evaluates code built at run time",
                    "never evaluate input as a script; dispatch on known values");
        }
    }

    private static void commandInjection(SourceText src, Language lang, int line, String masked,
            Set<String> jsExecNames, Findings out) {
        String code = src.code(line);
        if (lang == Language.JAVA || lang == Language.UNKNOWN) {
            if (JAVA_RUNTIME_EXEC.matcher(masked).find()) {
                out.add(COMMAND_INJECTION, Severity.HIGH, line, "Runtime.exec starts an operating-system command",
                        "avoid shelling out; if you must, pass a fixed argument array and validate every argument");
            } else if (JAVA_PROCESS_BUILDER.matcher(masked).find()) {
                boolean shell = code.matches(".*\"(?:/bin/)?(?:sh|bash|cmd)\"\\s*,\\s*\"(?:-c|/c)\".*")
                        || code.contains("+");
                out.add(COMMAND_INJECTION, shell ? Severity.HIGH : Severity.MEDIUM, line,
                        shell ? "ProcessBuilder runs a shell command built at run time"
                                : "ProcessBuilder starts an operating-system command",
                        "pass a fixed command and separate, validated arguments; never a shell string");
            }
        }
        if (lang == Language.PYTHON || lang == Language.UNKNOWN) {
            Matcher os = PY_OS_SHELL.matcher(masked);
            if (os.find()) {
                out.add(COMMAND_INJECTION, Severity.HIGH, line, "os." + (os.group(1) == null ? "getoutput"
                        : os.group(1)) + " runs its argument through the shell",
                        "use subprocess.run with an argument list and shell=False");
            } else if (PY_SUBPROCESS.matcher(masked).find() && SHELL_TRUE.matcher(statement(src, line)).find()) {
                out.add(COMMAND_INJECTION, Severity.HIGH, line, "subprocess call with shell=True",
                        "pass an argument list with shell=False (the default)");
            }
        }
        if (lang == Language.JAVASCRIPT || lang == Language.UNKNOWN) {
            if (JS_CHILD_PROCESS_INLINE.matcher(code).find() || callsAny(masked, jsExecNames)
                    || JS_SPAWN_SHELL.matcher(code).find()) {
                out.add(COMMAND_INJECTION, Severity.HIGH, line, "child_process runs a shell command",
                        "use execFile or spawn with an argument array and no shell");
            }
        }
        if ((lang == Language.GO || lang == Language.UNKNOWN) && GO_SHELL.matcher(code).find()) {
            out.add(COMMAND_INJECTION, Severity.HIGH, line, "exec.Command runs a shell with -c",
                    "call the program directly with separate arguments instead of through a shell");
        }
    }

    private static void sqlInjection(SourceText src, Language lang, int line, Findings out) {
        String code = src.code(line);
        if (!SQL_TEXT.matcher(code).find()) {
            return;
        }
        String next = line < src.lineCount() ? src.code(line + 1) : "";
        String how = null;
        String following = next.strip();
        boolean continued = code.strip().endsWith("+") && CONTINUED_BY_VALUE.matcher(following).matches()
                || following.startsWith("+") && CONTINUED_BY_VALUE.matcher(following).matches();
        if (concatenated(code) || continued) {
            how = "string concatenation";
        } else if ((lang == Language.PYTHON || lang == Language.UNKNOWN) && SQL_F_STRING.matcher(code).find()) {
            how = "an f-string";
        } else if ((lang == Language.PYTHON || lang == Language.UNKNOWN) && SQL_PY_FORMAT.matcher(code).find()) {
            how = "string formatting";
        } else if ((lang == Language.JAVASCRIPT || lang == Language.UNKNOWN) && SQL_TEMPLATE.matcher(code).find()) {
            how = "a template literal";
        } else if (SQL_FORMAT_CALL.matcher(code).find() && code.matches(".*%[sdv].*")) {
            how = "string formatting";
        }
        if (how != null) {
            out.add(SQL_INJECTION, Severity.HIGH, line, "SQL built by " + how,
                    "use a parameterised query (placeholders and bound values)");
        }
    }

    /**
     * Whether a value is added to a string literal holding SQL, right before or after it: the literal's own
     * neighbours, so that a parameterised query beside a concatenation that only builds a bound value
     * ({@code count("... where id like ?", "%-" + client)}) is not taken for SQL built from strings.
     */
    private static boolean concatenated(String code) {
        Matcher sql = SQL_TEXT.matcher(code);
        while (sql.find()) {
            int open = sql.start();
            char quote = code.charAt(open);
            int close = open + 1;
            while (close < code.length() && code.charAt(close) != quote) {
                close += code.charAt(close) == '\\' ? 2 : 1;
            }
            String after = close < code.length() ? code.substring(close + 1).stripLeading() : "";
            if (SQL_CONCAT_AFTER.matcher(after).lookingAt()
                    || SQL_CONCAT_BEFORE.matcher(code.substring(0, open).stripTrailing()).find()) {
                return true;
            }
        }
        return false;
    }

    private static void deserialization(SourceText src, Language lang, int line, String masked, boolean gobAny,
            Findings out) {
        String code = src.code(line);
        if ((lang == Language.JAVA || lang == Language.UNKNOWN) && JAVA_OBJECT_STREAM.matcher(masked).find()) {
            out.add(UNSAFE_DESERIALIZATION, Severity.HIGH, line, "Java deserialization of untrusted data",
                    "read a data format (JSON) instead, or install an ObjectInputFilter allow-list");
        }
        if (lang == Language.PYTHON || lang == Language.UNKNOWN) {
            if (PY_PICKLE.matcher(masked).find()) {
                out.add(UNSAFE_DESERIALIZATION, Severity.HIGH, line, "pickle-style loading runs code from the data",
                        "never unpickle untrusted data; use json or a schema-checked format");
            } else {
                Matcher yaml = PY_YAML_LOAD.matcher(masked);
                if (yaml.find() && (!yaml.group(1).startsWith("load")
                        || !PY_SAFE_LOADER.matcher(statement(src, line)).find())) {
                    out.add(UNSAFE_DESERIALIZATION, Severity.HIGH, line, "yaml." + yaml.group(1)
                            + " without SafeLoader can build arbitrary objects",
                            "use yaml.safe_load (or Loader=yaml.SafeLoader)");
                }
            }
        }
        if ((lang == Language.JAVASCRIPT || lang == Language.UNKNOWN) && JS_UNSERIALIZE.matcher(code).find()) {
            out.add(UNSAFE_DESERIALIZATION, Severity.HIGH, line, "node-serialize unserialize runs code from the data",
                    "parse with JSON.parse and validate the shape");
        }
        if (gobAny && GO_GOB_ANY.matcher(masked).find() && src.codeRange(Math.max(1, line - 3), line).contains("gob.")) {
            out.add(UNSAFE_DESERIALIZATION, Severity.LOW, line, "gob decoding into an interface type accepts any registered type",
                    "decode into a concrete struct type");
        }
    }

    /** The logical statement starting at this line: up to 6 lines, until parentheses balance. */
    private static String statement(SourceText src, int line) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (int l = line; l <= src.lineCount() && l < line + 6; l++) {
            String masked = src.masked(l);
            sb.append(src.code(l)).append('\n');
            for (int k = 0; k < masked.length(); k++) {
                char c = masked.charAt(k);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
            }
            if (depth <= 0) {
                break;
            }
        }
        return sb.toString();
    }

    private static Set<String> childProcessNames(SourceText src) {
        Set<String> calls = new LinkedHashSet<>();
        for (int line = 1; line <= src.lineCount(); line++) {
            String code = src.code(line);
            Matcher b = JS_CHILD_PROCESS_BINDING.matcher(code);
            while (b.find()) {
                String binding = b.group(1) != null ? b.group(1) : b.group(2);
                calls.add(binding + ".exec");
                calls.add(binding + ".execSync");
            }
            Matcher d = JS_CHILD_PROCESS_DESTRUCTURED.matcher(code);
            while (d.find()) {
                String names = d.group(1) != null ? d.group(1) : d.group(2);
                for (String part : names.split(",")) {
                    String[] alias = part.strip().split("\\s*(?::|\\bas\\b)\\s*");
                    String original = alias[0].strip();
                    String local = alias[alias.length - 1].strip();
                    if (original.equals("exec") || original.equals("execSync")) {
                        calls.add(local);
                    }
                }
            }
        }
        return calls;
    }

    private static boolean callsAny(String masked, Set<String> names) {
        for (String name : names) {
            Pattern call = Pattern.compile("(?<![\\w$.])" + Pattern.quote(name).replace(".", "\\E\\s*\\.\\s*\\Q")
                    + "\\s*\\(");
            if (call.matcher(masked).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean goDecodesIntoInterface(SourceText src) {
        String all = src.maskedRange(1, src.lineCount());
        return all.contains("gob.NewDecoder") && (all.contains("interface{}") || all.matches("(?s).*\\bvar\\s+\\w+\\s+any\\b.*"));
    }

    /** Findings with at most one per rule and line. */
    static final class Findings {
        private final List<Finding> list = new ArrayList<>();
        private final Set<String> seen = new LinkedHashSet<>();

        void add(String ruleId, Severity severity, int line, String message, String suggestion) {
            if (seen.add(ruleId + "@" + line)) {
                list.add(new Finding(ruleId, severity, line, message, suggestion));
            }
        }

        List<Finding> list() {
            return list;
        }
    }
}
