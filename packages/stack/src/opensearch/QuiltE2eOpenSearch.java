/*
 * Launcher of the embedded OpenSearch node of the quilt-e2e local stack.
 *
 * Compiled with javac into the stack's cache at install time (see stack/servers/opensearch.ts) and
 * run with the jar set of pom.xml on the class path. Every node setting comes from
 * <home>/config/opensearch.yml, which the stack writes before each start.
 *
 * Usage: java -cp '<classes>:<lib>/*' QuiltE2eOpenSearch <path.home>
 *
 * The node is built directly (no Bootstrap): no security manager, no bootstrap checks, no
 * daemonising. The module plugins are passed as classes because they are plain jars on the class
 * path, not bundles under <home>/modules.
 */
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.join.ParentJoinPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin;
import org.opensearch.transport.Netty4Plugin;

public final class QuiltE2eOpenSearch {

    /** The module plugins the suite relies on; each is a jar resolved by pom.xml. */
    static final List<Class<? extends Plugin>> MODULES = List.of(
        Netty4Plugin.class,
        CommonAnalysisPlugin.class,
        PainlessPlugin.class,
        MapperExtrasPlugin.class,
        ParentJoinPlugin.class,
        ReindexPlugin.class,
        MatrixAggregationPlugin.class);

    /** Node's plugin-taking constructor is protected. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private QuiltE2eOpenSearch() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: QuiltE2eOpenSearch <path.home>   (settings are read from <path.home>/config/opensearch.yml)");
            System.exit(2);
        }
        final Node node;
        try {
            Path home = Paths.get(args[0]).toAbsolutePath().normalize();
            Path config = home.resolve("config");
            if (!Files.isRegularFile(config.resolve("opensearch.yml"))) {
                throw new IllegalStateException(config.resolve("opensearch.yml") + " is missing");
            }
            // PluginsService scans these even when every plugin comes from the class path.
            Files.createDirectories(home.resolve("modules"));
            Files.createDirectories(home.resolve("plugins"));

            Settings initial = Settings.builder().put("path.home", home.toString()).build();
            Environment environment = InternalSettingsPreparer.prepareEnvironment(initial, Map.of(), config, () -> "quilt-e2e");

            LogConfigurator.registerErrorListener();
            LogConfigurator.setNodeName(Node.NODE_NAME_SETTING.get(environment.settings()));
            LogConfigurator.configure(environment);

            node = new EmbeddedNode(environment, MODULES);
        } catch (Throwable t) {
            System.err.println("quilt-e2e opensearch: could not build the node:");
            t.printStackTrace();
            System.exit(1);
            return;
        }

        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                if (!node.awaitClose(20, TimeUnit.SECONDS)) {
                    System.err.println("quilt-e2e opensearch: node did not close within 20 s");
                }
            } catch (Throwable t) {
                System.err.println("quilt-e2e opensearch: error while closing the node:");
                t.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "quilt-e2e-opensearch-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            System.err.println("quilt-e2e opensearch: the node failed to start:");
            t.printStackTrace();
            System.exit(1);
            return;
        }

        // Keep the JVM alive until SIGTERM/SIGINT runs the shutdown hook.
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
