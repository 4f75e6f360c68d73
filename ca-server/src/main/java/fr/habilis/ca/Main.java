package fr.habilis.ca;

import fr.habilis.ca.audit.AuditLog;
import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.ConfigLoader;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.store.Database;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line: {@code java -jar habilis-ca-server.jar [--config FILE] [--demo]} runs the
 * server; {@code verify-audit} checks the audit hash chain. Operator errors are one line on
 * stderr and exit code 2; nothing else is printed for them.
 */
@Command(name = "habilis-ca-server", mixinStandardHelpOptions = true, version = "Habilis CA 0.1.0",
    description = "Habilis certificate authority: ACME + RA API over HTTPS, CRL/OCSP over HTTP.",
    subcommands = {Main.VerifyAudit.class})
public final class Main implements Callable<Integer> {
  static final int EXIT_CONFIG = 2;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration file; every key can be overridden by its HABILIS_* environment variable.")
  Path configFile;

  @Option(names = "--demo", description = "Test environment only: seed a demo structure kit once and print EAB credentials (also in DATA_DIR/demo.json).")
  boolean demo;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      Throwable root = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (root instanceof ConfigException) {
        cmd.getErr().println("habilis: error: " + root.getMessage());
        return EXIT_CONFIG;
      }
      cmd.getErr().println("habilis: error: " + HabilisServer.rootMessage(root));
      return 1;
    });
    int code = cli.execute(args);
    if (code != 0) System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    for (String w : ConfigLoader.warnings(System.getenv())) System.err.println("habilis: warning: " + w);
    HabilisConfig config = ConfigLoader.load(configFile, System.getenv());
    if (demo && config.isProduction()) throw new ConfigException("--demo is only allowed in the test environment");
    Vertx vertx = Vertx.vertx();
    HabilisServer server;
    try {
      server = HabilisServer.start(vertx, config).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      vertx.close();
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // shutting down anyway
      }
    }, "habilis-shutdown"));
    System.out.println(server.banner());
    if (demo) System.out.println(Demo.run(server.context()));
    System.out.flush();
    Thread.currentThread().join();
    return 0;
  }

  /** Recomputes the audit hash chain; exit 0 when intact, 1 when broken. */
  @Command(name = "verify-audit", mixinStandardHelpOptions = true, description = "Verify the audit trail's hash chain.")
  static final class VerifyAudit implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Override
    public Integer call() throws Exception {
      HabilisConfig config = ConfigLoader.load(parent.configFile, System.getenv());
      if (config.get(Setting.DB_URL) == null && !Files.exists(config.dataDir())) {
        throw new ConfigException("no data directory at " + config.dataDir());
      }
      try (Database db = Database.open(null, config.dbUrl(), config.get(Setting.DB_USER), config.get(Setting.DB_PASSWORD), 1)) {
        AuditLog.Verification v = db.txBlocking(AuditLog::verify);
        if (v.ok()) {
          System.out.println("audit chain intact: " + v.rowsChecked() + " entries");
          return 0;
        }
        System.out.println("audit chain BROKEN at entry " + v.firstBrokenSeq() + ": " + v.problem()
            + " (" + v.rowsChecked() + " entries verified before it)");
        return 1;
      }
    }
  }
}
