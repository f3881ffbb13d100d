package dev.athena.ingest;

import java.util.regex.Pattern;

/**
 * Connection URLs fit for logs. A Redis or JDBC URL may carry a user and password in its authority
 * ({@code //user:pw@host}) and a JDBC URL also as parameters ({@code ?user=a&password=b}); the gateway's and the
 * scan's settings print their URLs, so both forms are replaced by {@code ***} here, in one place.
 */
public final class MaskedUrls {
    /** Greedy up to the authority's last '@': a password holding an unencoded '@' leaks no tail either. */
    private static final Pattern AUTHORITY = Pattern.compile("//[^/?#]*@");
    private static final Pattern PARAMETERS =
            Pattern.compile("(?i)([?&;](?:password|pwd|passwd|sslpassword|user)=)[^&;]*");

    private MaskedUrls() {
    }

    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        return PARAMETERS.matcher(AUTHORITY.matcher(url).replaceAll("//***@")).replaceAll("$1***");
    }
}
