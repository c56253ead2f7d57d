package org.amihes.security.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;

/**
 * One shared secret a caller presents as {@code Authorization: Bearer ...}, from a file or a value; compared in
 * constant time. Not configured: nobody is let in. (OIDC client credentials replace these when identity lands.)
 */
final class BearerCredential {

    private final String purpose;
    private final String name;
    private final String setting;
    private final byte[] expected;

    /** @param name what the credential is called in messages, e.g. "service credential" */
    BearerCredential(String purpose, String name, String setting, Optional<Path> file, Optional<String> value) {
        this.purpose = purpose;
        this.name = name;
        this.setting = setting;
        Optional<String> token;
        try {
            token = file.isPresent() ? Optional.of(Files.readString(file.get()).strip()) : value;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credential file for " + purpose + ": " + file.get(), e);
        }
        this.expected = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    void authorize(String authorization) {
        if (expected == null) {
            throw new ProblemException(Problem.of(Problem.Type.ofStatus(403), purpose + " is off: no credential is "
                    + "configured (" + setting + ")"));
        }
        byte[] presented = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(expected, presented)) {
            throw new ProblemException(new Problem(Problem.Type.ofStatus(401).uri(), "Unauthorized", 401,
                    purpose + " needs the " + name + " (Authorization: Bearer ...)", null));
        }
    }
}
