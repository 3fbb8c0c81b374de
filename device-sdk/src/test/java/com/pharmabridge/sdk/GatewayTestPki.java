package com.pharmabridge.sdk;

import javax.net.ssl.SSLContext;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * The gateway's test PKI, reused rather than copied: {@code com.pharmabridge.gateway.TlsTest} (in the gateway's test
 * jar) makes a test CA and a server certificate for {@code localhost}/{@code 127.0.0.1} with openssl, and an
 * {@link SSLContext} that trusts that CA. Those helpers are private there, so this calls them by reflection; should
 * they move to {@code com.pharmabridge.gateway.testing}, call them directly and delete this class.
 */
final class GatewayTestPki {
    private static final String TLS_TEST = "com.pharmabridge.gateway.TlsTest";

    private final Path dir;
    private final SSLContext trustingContext;

    private GatewayTestPki(Path dir, SSLContext trustingContext) {
        this.dir = dir;
        this.trustingContext = trustingContext;
    }

    /** Makes a CA and a server certificate in {@code dir} (openssl must be on the PATH, as for the gateway's tests). */
    static synchronized GatewayTestPki create(Path dir) throws Exception {
        Class<?> tlsTest = Class.forName(TLS_TEST);
        Field pki = tlsTest.getDeclaredField("pki");
        pki.setAccessible(true);
        pki.set(null, dir);
        call(tlsTest, "ca", new Class<?>[]{String.class, String.class}, "ca", "PharmaBridge Test CA");
        call(tlsTest, "leaf", new Class<?>[]{String.class, String.class, String.class, String.class}, "server",
                "localhost", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        SSLContext context = (SSLContext) call(tlsTest, "context", new Class<?>[]{String.class}, (Object) null);
        return new GatewayTestPki(dir, context);
    }

    /** @return a context that trusts the test CA (no client certificate) */
    SSLContext trustingContext() {
        return trustingContext;
    }

    Path serverCertificate() {
        return dir.resolve("server.pem");
    }

    Path serverKey() {
        return dir.resolve("server.key");
    }

    private static Object call(Class<?> type, String name, Class<?>[] parameters, Object... args) throws Exception {
        Method method = type.getDeclaredMethod(name, parameters);
        method.setAccessible(true);
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
