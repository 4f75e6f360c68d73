package fr.habilis.ca;

import fr.habilis.ca.audit.AuditCheck;
import fr.habilis.ca.backup.Restore;
import fr.habilis.ca.config.ConfigException;
import fr.habilis.ca.config.ConfigLoader;
import fr.habilis.ca.config.HabilisConfig;
import fr.habilis.ca.config.Setting;
import fr.habilis.ca.logging.Logging;
import fr.habilis.ca.store.Database;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line: {@code java -jar habilis-ca-server.jar [--config FILE] [--demo]} runs the
 * server; {@code verify-audit} checks the audit hash chain against its latest signed checkpoint; {@code restore} puts an
 * online backup back into the data directory of a stopped server; {@code operator …} manages the
 * RA operators ({@link OperatorCommand}). Operator errors are one line on stderr and exit code 2;
 * nothing else is printed for them.
 */
@Command(name = "habilis-ca-server", mixinStandardHelpOptions = true, version = "Habilis CA 0.1.0",
    description = "Habilis certificate authority: ACME + RA API over HTTPS, CRL/OCSP over HTTP.",
    subcommands = {Main.VerifyAudit.class, Main.RestoreBackup.class, OperatorCommand.class})
public final class Main implements Callable<Integer> {
  static final int EXIT_CONFIG = 2;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML or JSON configuration file; every key can be overridden by its HABILIS_* environment variable.")
  Path configFile;

  @Option(names = "--demo", description = "Test environment only: seed a demo structure kit once and print EAB credentials (also in DATA_DIR/demo.json).")
  boolean demo;

  public static void main(String[] args) {
    Logging.bridgeJul();
    int code = commandLine().execute(args);
    if (code != 0) System.exit(code);
  }

  /** The command line with its error handling: what {@link #main} runs, and what tests run in-process. */
  static CommandLine commandLine() {
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
    return cli;
  }

  @Override
  public Integer call() throws Exception {
    for (String w : ConfigLoader.warnings(System.getenv())) System.err.println("habilis: warning: " + w);
    HabilisConfig config = ConfigLoader.load(configFile, System.getenv());
    Logging.configure(config);
    if (demo && config.isProduction()) throw new ConfigException("--demo is only allowed in the test environment");
    Vertx vertx = Vertx.vertx();
    HabilisServer server;
    try {
      server = HabilisServer.start(vertx, config).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      vertx.close();
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
    GracefulStop.install(server, vertx);
    System.out.println(server.banner());
    if (demo) System.out.println(Demo.run(server.context()));
    System.out.flush();
    Thread.currentThread().join();
    return 0;
  }

  /** Recomputes the audit hash chain against the latest signed checkpoint; exit 0 when intact, 1 when not. */
  @Command(name = "verify-audit", mixinStandardHelpOptions = true,
      description = "Verify the audit trail's hash chain against the latest signed checkpoint (DATA_DIR/audit-checkpoint.json).")
  static final class VerifyAudit implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Override
    public Integer call() throws Exception {
      AuditCheck.Outcome outcome = AuditCheck.run(ConfigLoader.load(parent.configFile, System.getenv()));
      System.out.println(outcome.report());
      return outcome.ok() ? 0 : 1;
    }
  }

  /** Restores a backup taken by {@code POST /ra/v1/backups} into a stopped server's data directory; exit 0 when verified. */
  @Command(name = "restore", mixinStandardHelpOptions = true,
      description = "Restore an online backup (a directory under DATA_DIR/backups) into the data directory of a stopped"
          + " server, then verify its audit chain and its manifest.")
  static final class RestoreBackup implements Callable<Integer> {
    @CommandLine.ParentCommand Main parent;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "The backup directory.")
    Path from;

    @Option(names = "--replace", description = "Replace an existing database (kept beside it as habilis.mv.db.before-restore-TIME).")
    boolean replace;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      Restore.Outcome outcome = Restore.run(ConfigLoader.load(parent.configFile, System.getenv()), from, replace);
      spec.commandLine().getOut().println(outcome.report());
      spec.commandLine().getOut().flush();
      return outcome.ok() ? 0 : 1;
    }
  }
}
