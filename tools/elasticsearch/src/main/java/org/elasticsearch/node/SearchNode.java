package org.elasticsearch.node;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.Build;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import portal.searchnode.DistributionModulesPlugin;

/**
 * A single-node Elasticsearch 8 for development and CI: security off, HTTP on 127.0.0.1.
 *
 * Usage: SearchNode HOME PORT [URL_FILE]. HOME holds the data and logs (a temporary folder);
 * PORT 0 takes a free port. Once the node answers, its address is printed and written to
 * URL_FILE. Stops cleanly on SIGTERM/SIGINT.
 */
public final class SearchNode {

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]).toAbsolutePath();
        String port = args.length > 1 ? args[1] : "9200";
        Files.createDirectories(home.resolve("config"));
        Settings settings = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "portal-search")
            .put("node.name", "portal-search-1")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", port)
            .put("transport.port", "0")
            .put("action.destructive_requires_name", "false")
            .put("cluster.routing.allocation.disk.threshold_enabled", "false")
            .build();
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "portal-search-1");
        NodeServiceProvider services = new NodeServiceProvider() {
            @Override
            PluginsService newPluginService(Environment env, PluginsLoader loader) {
                return new ClasspathPluginsService(env.settings(), env, List.of(Netty4Plugin.class, DistributionModulesPlugin.class));
            }
        };
        Node node = new Node(NodeConstruction.prepareConstruction(environment, ClasspathPluginsService.emptyLoader(), services, false));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        node.start();
        int bound = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().getPort();
        String url = "http://127.0.0.1:" + bound;
        if (args.length > 2) {
            Files.writeString(Path.of(args[2]), url + "\n", StandardCharsets.UTF_8);
        }
        System.out.println("Elasticsearch " + Build.current().version() + " (single node) listening on " + url);
        stopped.await();
    }
}
