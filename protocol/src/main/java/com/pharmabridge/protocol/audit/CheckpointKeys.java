package com.pharmabridge.protocol.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the public keys that verify audit checkpoints, as verifying commands take them on their command line. */
public final class CheckpointKeys {
    private static final Pattern PUBLIC_KEY = Pattern.compile(
            "-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private CheckpointKeys() {
    }

    /**
     * @param specs {@code id=file.pub.pem}, or a file alone whose name up to the first dot is the key id
     * @return keys by id
     * @throws IllegalArgumentException naming the file that is not an Ed25519 public key in PEM
     */
    public static Map<String, PublicKey> read(List<String> specs) {
        Map<String, PublicKey> keys = new HashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            Path file = Path.of(eq >= 0 ? spec.substring(eq + 1) : spec);
            String name = file.getFileName().toString();
            String id = eq >= 0 ? spec.substring(0, eq) : name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            if (id.isBlank()) {
                throw new IllegalArgumentException("public key '" + spec + "': the key id before '=' is empty");
            }
            keys.put(id, readEd25519(file));
        }
        return keys;
    }

    public static PublicKey readEd25519(Path file) {
        String text;
        try {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("public key " + file + " not found (or not a file)");
            }
            if (Files.size(file) > 64 * 1024) {
                throw new IllegalArgumentException(file + " is too large to be a public key");
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read public key " + file + ": " + e.getMessage());
        }
        Matcher m = PUBLIC_KEY.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(file + " holds no PEM public key (-----BEGIN PUBLIC KEY-----)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 public key");
        }
    }
}
