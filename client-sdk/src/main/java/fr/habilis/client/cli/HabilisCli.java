package fr.habilis.client.cli;

import fr.habilis.client.HabilisException;
import fr.habilis.client.OperationTimeoutException;
import fr.habilis.client.ServerProblemException;
import fr.habilis.client.ServerUnreachableException;
import fr.habilis.client.output.OutputException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code habilis}: the command line for health structures' administrators and editors' scripts:
 * bind an account, order any product, keep certificates renewed, revoke, check.
 */
@Command(name = "habilis", mixinStandardHelpOptions = true, versionProvider = HabilisCli.Version.class,
    description = "Certificates of the Habilis CA (IGC-Sante products) for a habilitated technical administrator.",
    subcommands = {AccountCommand.class, CertCommand.class, CommandLine.HelpCommand.class},
    footer = ExitCode.HELP)
public final class HabilisCli {
  @CommandLine.Mixin
  GlobalOptions global;

  public static void main(String[] args) {
    configureLogging(java.util.Arrays.asList(args));
    System.exit(run(args));
  }

  /**
   * The CLI prints its own results; the libraries' logs (slf4j-simple, on stderr) are warnings
   * only, unless -v or --daemon (whose log is the record of what it did, with timestamps). Set
   * before the first logger exists; a -Dorg.slf4j.simpleLogger.* given by the user wins.
   */
  static void configureLogging(java.util.List<String> args) {
    boolean daemon = args.contains("--daemon");
    boolean verbose = daemon || args.contains("-v") || args.contains("--verbose");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    if (verbose && System.getProperty("org.slf4j.simpleLogger.log.fr.habilis") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.fr.habilis", "info");
    }
    if (daemon && System.getProperty("org.slf4j.simpleLogger.showDateTime") == null) {
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ssXXX");
    }
  }

  /** Runs a command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** Runs a command line with its output and errors sent to these writers. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new HabilisCli());
    cl.setExecutionExceptionHandler(HabilisCli::failure);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /** One line (or the server's problem with its subproblems) on stderr, and the documented exit code. */
  private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    int code;
    String message = e.getMessage();
    if (e instanceof ServerProblemException) {
      code = ExitCode.REFUSED;
    } else if (e instanceof ServerUnreachableException || e instanceof OperationTimeoutException) {
      code = ExitCode.UNREACHABLE;
    } else if (e instanceof OutputException) {
      code = ExitCode.FILES;
    } else if (e instanceof IllegalArgumentException || e instanceof UsageException) {
      code = ExitCode.USAGE;
    } else if (e instanceof IOException) {
      code = ExitCode.FILES;
    } else if (e instanceof HabilisException) {
      code = ExitCode.FAILED;
    } else {
      code = ExitCode.FAILED;
      message = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
    err.println("habilis: " + (message == null ? e.getClass().getSimpleName() : message));
    err.flush();
    return code;
  }

  /** A bad combination of options or an unreadable input file: exit code 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** The SDK's version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = HabilisCli.class.getPackage().getImplementationVersion();
      return new String[] {"habilis client " + (v == null ? "development" : v) + " (Java " + System.getProperty("java.version") + ")"};
    }
  }
}
