package dev.athena.ingest.scan;

import dev.athena.ingest.cli.Languages;
import dev.athena.ingest.scan.ScanReport.SkippedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds the files of a repository worth analysing: matched by an include glob and no exclude glob (globs are
 * matched against the path relative to the root, with '/'; a leading {@code **}{@code /} also matches at the
 * root), not ignored by git's rules when those are honoured ({@code .gitignore} files from the top of the work
 * tree the root is in down, and {@code .git/info/exclude}, as git reads them: {@link GitIgnore}), regular files
 * only, at most {@link #MAX_BYTES}, no NUL byte, valid UTF-8, not empty. What the globs and git's rules leave out
 * is simply not walked (a scan of a repository with a {@code node_modules} or {@code dist} would otherwise list
 * thousands of files); every other file left out is reported with its reason.
 */
final class RepositoryWalker {
    /** The pipeline's admission limit for code (RequestLimits.DEFAULT_MAX_CODE_BYTES). */
    static final int MAX_BYTES = 256 * 1024;

    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    private final long maxBytes;
    private final boolean gitIgnore;

    RepositoryWalker(List<String> include, List<String> exclude, long maxBytes) {
        this(include, exclude, maxBytes, true);
    }

    RepositoryWalker(List<String> include, List<String> exclude, long maxBytes, boolean gitIgnore) {
        this.include = matchers(include);
        this.exclude = matchers(exclude);
        this.maxBytes = maxBytes;
        this.gitIgnore = gitIgnore;
    }

    static RepositoryWalker of(ScanSettings settings) {
        List<String> exclude = new ArrayList<>(settings.exclude());
        if (settings.reportDir().startsWith(settings.repository())
                && !settings.reportDir().equals(settings.repository())) {
            // Our own reports must never become input of the next scan.
            exclude.add(relative(settings.repository(), settings.reportDir()) + "/**");
        }
        return new RepositoryWalker(settings.include(), exclude, MAX_BYTES, settings.gitIgnore());
    }

    /** {@code ignored}: the files, and folders not entered, that git's ignore rules left out. */
    record Walk(List<SourceFile> files, List<SkippedFile> skipped, int ignored) {
        Walk(List<SourceFile> files, List<SkippedFile> skipped) {
            this(files, skipped, 0);
        }
    }

    Walk walk(Path root) {
        List<SourceFile> files = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        IgnoreScopes ignored = new IgnoreScopes();
        int[] leftOut = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        if (gitIgnore) {
                            ignored.enterRoot(root);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                    String rel = relative(root, dir);
                    if (matches(exclude, rel + "/x") && matches(exclude, rel + "/x/y")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (gitIgnore) {
                        // git never looks inside an ignored directory, so nothing in it can be kept again
                        if (ignored.ignores(rel, true)) {
                            leftOut[0]++;
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        ignored.enter(rel, "", rules(dir.resolve(".gitignore")));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    if (gitIgnore) {
                        ignored.leave(dir.equals(root) ? "" : relative(root, dir));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = relative(root, file);
                    if (!matches(include, rel) || matches(exclude, rel)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (gitIgnore && ignored.ignores(rel, attrs.isDirectory())) {
                        leftOut[0]++;
                        return FileVisitResult.CONTINUE;
                    }
                    if (!attrs.isRegularFile()) {
                        skipped.add(new SkippedFile(rel, attrs.isSymbolicLink() ? "symbolic link" : "not a regular file"));
                        return FileVisitResult.CONTINUE;
                    }
                    read(file, rel, attrs.size(), files, skipped);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    skipped.add(new SkippedFile(relative(root, file), "unreadable: " + e.getClass().getSimpleName()));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not walk " + root, e);
        }
        files.sort(Comparator.comparing(SourceFile::path));
        skipped.sort(Comparator.comparing(SkippedFile::path));
        return new Walk(List.copyOf(files), List.copyOf(skipped), leftOut[0]);
    }

    /**
     * The {@code .gitignore} rules in force while walking: one scope per directory on the way down from the
     * top of the git work tree the scanned folder is in (or from the folder itself, outside one), deepest last,
     * each with the rules of that directory's own file (often none). A scope above the scanned folder matches
     * paths as seen from its own directory ({@code prefix} leads from there to the scanned folder), as git does
     * for a monorepo's root {@code .gitignore} when only a part of it is scanned.
     */
    private static final class IgnoreScopes {
        private record Scope(String dir, String prefix, GitIgnore rules) {
        }

        private final ArrayDeque<Scope> scopes = new ArrayDeque<>();

        /**
         * The scopes of the scanned folder and of each directory above it up to the work tree's top, lowest
         * precedence first: the repository's {@code .git/info/exclude}, then the {@code .gitignore} files from
         * the top down.
         */
        void enterRoot(Path root) {
            Path absolute = root.toAbsolutePath().normalize();
            Path top = absolute;
            for (Path dir = absolute; dir != null; dir = dir.getParent()) {
                if (Files.exists(dir.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
                    top = dir;
                    break;
                }
            }
            enter("", relative(top, absolute), rules(top.resolve(".git").resolve("info").resolve("exclude")));
            List<Path> down = new ArrayList<>();
            for (Path dir = absolute; !dir.equals(top); dir = dir.getParent()) {
                down.addFirst(dir);
            }
            down.addFirst(top);
            for (Path dir : down) {
                enter("", relative(dir, absolute), rules(dir.resolve(".gitignore")));
            }
        }

        void enter(String dir, String prefix, GitIgnore rules) {
            scopes.push(new Scope(dir, prefix, rules));
        }

        /** Leaves every scope of {@code dir} (the root's include those above it). */
        void leave(String dir) {
            while (!scopes.isEmpty() && scopes.peek().dir().equals(dir)) {
                scopes.pop();
            }
        }

        /** The deepest file with a rule for the path decides, and in it the last rule that matches. */
        boolean ignores(String rel, boolean directory) {
            for (Scope scope : scopes) {
                if (scope.rules().isEmpty()) {
                    continue;
                }
                String below = scope.dir().isEmpty() ? rel : rel.substring(scope.dir().length() + 1);
                GitIgnore.Verdict verdict = scope.rules().match(
                        scope.prefix().isEmpty() ? below : scope.prefix() + "/" + below, directory);
                if (verdict != GitIgnore.Verdict.NONE) {
                    return verdict == GitIgnore.Verdict.IGNORED;
                }
            }
            return false;
        }
    }

    /** A directory's ignore rules; none when it has no such file, or one that cannot be read as a plain file. */
    private static GitIgnore rules(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return GitIgnore.parse(List.of());
            }
            return GitIgnore.parse(List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .split("\\r?\\n")));
        } catch (IOException e) {
            return GitIgnore.parse(List.of());
        }
    }

    private void read(Path file, String rel, long size, List<SourceFile> files, List<SkippedFile> skipped) {
        Text text = text(file, size);
        if (text.skipReason() != null) {
            skipped.add(new SkippedFile(rel, text.skipReason()));
            return;
        }
        files.add(new SourceFile(rel, text.sha256(), Languages.of(file).orElse(null), file));
    }

    /** A file's content as read now, or why it cannot be analysed (then code and digest are null). */
    record Text(String code, String sha256, String skipReason) {
        static Text skipped(String reason) {
            return new Text(null, null, reason);
        }
    }

    /**
     * Reads a walked file again, to send it: under the same rules as the walk, since it may have changed, gone
     * or grown since, or been replaced by a link (a checkout in progress), which is never followed: not as the
     * file itself, and not through a directory swapped for a link to somewhere outside the repository. Its
     * digest is of what was read now.
     */
    Text reread(SourceFile file) {
        Path location = file.location();
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(location, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile()) {
                return Text.skipped(attrs.isSymbolicLink() ? "symbolic link" : "not a regular file");
            }
            if (!location.toRealPath().startsWith(rootOf(file).toRealPath())) {
                return Text.skipped("outside the repository (a directory on its path is now a link)");
            }
        } catch (IOException e) {
            return Text.skipped("unreadable: " + e.getClass().getSimpleName());
        }
        return text(location, attrs.size());
    }

    /** The root the file was walked from: its location without its path relative to the root. */
    private static Path rootOf(SourceFile file) {
        Path root = file.location().toAbsolutePath();
        for (int i = 0; i < Path.of(file.path()).getNameCount(); i++) {
            root = root.getParent();
        }
        return root;
    }

    private Text text(Path file, long size) {
        if (size > maxBytes) {
            return Text.skipped("oversize: " + size + " bytes > " + maxBytes);
        }
        if (size == 0) {
            return Text.skipped("empty");
        }
        byte[] bytes;
        // never through a link, and never more than one byte past the limit, whatever the file became meanwhile
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            return Text.skipped("unreadable: " + e.getClass().getSimpleName());
        }
        if (bytes.length > maxBytes) {
            return Text.skipped("oversize: " + bytes.length + " bytes > " + maxBytes);
        }
        if (bytes.length == 0) {
            return Text.skipped("empty");
        }
        for (byte b : bytes) {
            if (b == 0) {
                return Text.skipped("binary");
            }
        }
        try {
            String code = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new Text(code, sha256(bytes), null);
        } catch (CharacterCodingException e) {
            return Text.skipped("not UTF-8");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }

    private static boolean matches(List<PathMatcher> matchers, String rel) {
        Path path = Path.of(rel);
        return matchers.stream().anyMatch(m -> m.matches(path));
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
            if (glob.startsWith("**/")) {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3)));
            }
        }
        return List.copyOf(matchers);
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
