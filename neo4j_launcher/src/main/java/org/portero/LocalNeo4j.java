package org.portero;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

import inet.ipaddr.IPAddressString;

/**
 * Starts an embedded Neo4j Community server with Bolt on 127.0.0.1 and blocks until the JVM is stopped.
 *
 * <p>Usage: {@code java [JVM flags] -cp 'lib/*:classes' org.portero.LocalNeo4j DATA_DIR BOLT_PORT [PAGECACHE
 * [TX_LOG_RETENTION]]}: TX_LOG_RETENTION is {@code db.tx_log.rotation.retention_policy} (e.g. {@code 1G size}).
 * DATA_DIR is the Neo4j home: the store goes to DATA_DIR/data and Neo4j's logs to DATA_DIR/logs. The heap is
 * set by the caller with -Xmx. Auth is on only when the environment variable PORTERO_NEO4J_INITIAL_PASSWORD
 * is non-empty (read from the environment, never from argv, so it does not show in {@code ps}); the password
 * of the {@code neo4j} user is then set to it. There is no server-wide transaction timeout: the read-only
 * console sets its own per transaction through the driver. System properties {@code portero.tx_memory_max} and {@code
 * portero.tx_memory_total_max} (e.g. {@code 128m}) set {@code db.memory.transaction.max} and {@code
 * dbms.memory.transaction.total.max}: a query that would need more heap fails alone instead of ending the
 * JVM. SIGTERM runs a shutdown hook that shuts the server down cleanly.
 */
public final class LocalNeo4j {
    /** Printed on stdout once Bolt accepts connections. */
    public static final String READY = "PORTERO_NEO4J_READY";
    private static final String PASSWORD_ENV = "PORTERO_NEO4J_INITIAL_PASSWORD";

    private LocalNeo4j() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: LocalNeo4j DATA_DIR BOLT_PORT [PAGECACHE [TX_LOG_RETENTION]]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String pagecache = args.length > 2 ? args[2] : "256m";
        String txLogs = args.length > 3 ? args[3] : "1G size";
        String password = System.getenv(PASSWORD_ENV);
        boolean auth = password != null && !password.isEmpty();

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, txLogs)
                // LOAD CSV may not read this machine's files: Portero never loads that way, and the
                // read-only console would otherwise let a query read any file the server can.
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                // Nor fetch any URL: every address is on the blocklist, so LOAD CSV FROM 'http://...' cannot
                // make the server request this machine's services or anyone else's (Portero loads through
                // Bolt). The setting is internal, hence the explicit list type.
                .setConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist,
                        List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0")))
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bolt's event loops otherwise wait 5 s of quiet twice on shutdown (about 10 s per stop).
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 1)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(15));

        // Without these, one read-only query (a string doubled in a loop, a huge list) can take the whole
        // heap; with them, that query fails with a memory error and every other transaction goes on.
        String txMax = System.getProperty("portero.tx_memory_max");
        if (txMax != null && !txMax.isBlank()) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.parse(txMax));
        }
        String txTotal = System.getProperty("portero.tx_memory_total_max");
        if (txTotal != null && !txTotal.isBlank()) {
            builder.setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.parse(txTotal));
        }

        DatabaseManagementService service;
        try {
            service = builder.build();
        } catch (RuntimeException e) {
            System.err.println("PORTERO_NEO4J_FAILED: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("PORTERO_NEO4J_STOPPING");
            System.out.flush();
            try {
                service.shutdown();
            } finally {
                stopped.countDown();
                System.out.println("PORTERO_NEO4J_STOPPED");
                System.out.flush();
            }
        }, "portero-neo4j-shutdown"));

        if (auth) {
            try {
                setPassword(service, password);
            } catch (RuntimeException e) {
                // Never print the exception message: it could quote the statement's parameters.
                System.err.println("PORTERO_NEO4J_FAILED: could not set the password of user neo4j ("
                        + e.getClass().getName() + ")");
                System.exit(1);
                return;
            }
        }

        System.out.println(READY + " bolt://127.0.0.1:" + port + " auth=" + auth);
        System.out.flush();
        stopped.await();
    }

    private static void setPassword(DatabaseManagementService service, String password) {
        try {
            service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            // The password is already the requested one (a restart with the same password): fine.
            if (!msg.contains("cannot be the same")) {
                throw e;
            }
        }
    }
}
