package io.kindling.client;

import org.apache.ignite.client.SslMode;
import org.apache.ignite.configuration.ClientConfiguration;

import javax.cache.configuration.Factory;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How {@link Client#connect(ThinOptions)} reaches a cluster over Ignite's thin protocol: the
 * servers' thin-client addresses, and optionally credentials and TLS. Immutable.
 *
 * <pre>{@code
 * Client.connect(ThinOptions.to("10.0.0.5:10800", "10.0.0.6:10800")
 *         .credentials("alice", password)
 *         .tls(Path.of("truststore.jks"), trustPassword));
 * }</pre>
 */
public final class ThinOptions {
    private final String[] addresses;
    private final String user;
    private final String password;
    private final Path trustStore;
    private final String trustStorePassword;
    private final Path keyStore;
    private final String keyStorePassword;
    private final Duration timeout;

    private ThinOptions(String[] addresses, String user, String password, Path trustStore, String trustStorePassword,
            Path keyStore, String keyStorePassword, Duration timeout) {
        this.addresses = addresses;
        this.user = user;
        this.password = password;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.timeout = timeout;
    }

    /** Servers' thin-client addresses, {@code host:port} (the port defaults to 10800). */
    public static ThinOptions to(String... addresses) {
        if (addresses.length == 0) {
            throw new IllegalArgumentException("connect needs at least one address, such as 127.0.0.1:10800");
        }
        return new ThinOptions(addresses.clone(), null, null, null, null, null, null, Duration.ofSeconds(10));
    }

    /** Authenticates as {@code user}. */
    public ThinOptions credentials(String user, String password) {
        return new ThinOptions(addresses, Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"),
                trustStore, trustStorePassword, keyStore, keyStorePassword, timeout);
    }

    /** Connects with TLS, trusting the certificates in {@code trustStore} (JKS or PKCS12). */
    public ThinOptions tls(Path trustStore, String trustStorePassword) {
        return new ThinOptions(addresses, user, password, trustStore, trustStorePassword, keyStore, keyStorePassword,
                timeout);
    }

    /** Connects with TLS and presents the client certificate in {@code keyStore} too. */
    public ThinOptions tls(Path trustStore, String trustStorePassword, Path keyStore, String keyStorePassword) {
        return new ThinOptions(addresses, user, password, trustStore, trustStorePassword, keyStore, keyStorePassword,
                timeout);
    }

    /**
     * How long a call may wait for the servers (default 10 s). Tasks may run longer: batches
     * travel on a connection of their own without this bound.
     */
    public ThinOptions timeout(Duration timeout) {
        return new ThinOptions(addresses, user, password, trustStore, trustStorePassword, keyStore, keyStorePassword,
                timeout);
    }

    String describe() {
        return String.join(",", addresses) + (trustStore != null ? " (TLS)" : "");
    }

    boolean usesTls() {
        return trustStore != null;
    }

    String user() {
        return user;
    }

    ClientConfiguration toConfiguration() {
        return toConfiguration((int) timeout.toMillis());
    }

    /** The configuration with {@code timeoutMillis} as the bound of each call (0: none). */
    ClientConfiguration toConfiguration(int timeoutMillis) {
        ClientConfiguration c = new ClientConfiguration()
                .setAddresses(addresses)
                .setPartitionAwarenessEnabled(true)
                .setTimeout(timeoutMillis);
        if (user != null) {
            c.setUserName(user).setUserPassword(password);
        }
        if (trustStore != null) {
            c.setSslMode(SslMode.REQUIRED).setSslContextFactory(sslContextFactory());
        }
        return c;
    }

    /**
     * The TLS context, built here rather than by Ignite's thin client, which insists on a client
     * key store even when the servers do not ask for client certificates.
     */
    private Factory<SSLContext> sslContextFactory() {
        String trustPath = trustStore.toString();
        String trustPassword = trustStorePassword;
        String keyPath = keyStore == null ? null : keyStore.toString();
        String keyPassword = keyStorePassword;
        return () -> {
            try {
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(Path.of(trustPath), trustPassword));
                KeyManager[] keys = null;
                if (keyPath != null) {
                    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(load(Path.of(keyPath), keyPassword), keyPassword.toCharArray());
                    keys = kmf.getKeyManagers();
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys, trust.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalArgumentException("cannot read the TLS stores (" + trustPath
                        + (keyPath != null ? ", " + keyPath : "") + "): " + e.getMessage(), e);
            }
        };
    }

    private static KeyStore load(Path store, String password) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance(storeType(store));
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    private static String storeType(Path store) {
        String name = store.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx") ? "PKCS12" : "JKS";
    }

    @Override
    public String toString() {
        return "ThinOptions" + Arrays.toString(addresses) + (user != null ? " as " + user : "") + (usesTls() ? " with TLS" : "");
    }
}
