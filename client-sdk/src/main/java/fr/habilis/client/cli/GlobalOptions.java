package fr.habilis.client.cli;

import fr.habilis.client.ClientSettings;
import fr.habilis.client.HabilisAccount;
import fr.habilis.client.HabilisClient;
import fr.habilis.client.HabilisException;
import fr.habilis.client.ProgressListener;
import fr.habilis.client.Trust;
import fr.habilis.client.renewal.StateDirectory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Options every command takes (before or after the command's name), each also read from a
 * HABILIS_CLIENT_* environment variable.
 */
final class GlobalOptions {
  /** The global options of the command line a subcommand belongs to. */
  static GlobalOptions of(CommandSpec subcommand) {
    return ((HabilisCli) subcommand.root().userObject()).global;
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--directory", scope = ScopeType.INHERIT, paramLabel = "URL", defaultValue = "${env:HABILIS_CLIENT_DIRECTORY}",
      description = "The CA's ACME directory URL (env HABILIS_CLIENT_DIRECTORY; default: the registered account's).")
  URI directory;

  @Option(names = "--trust-pem", scope = ScopeType.INHERIT, paramLabel = "FILE", defaultValue = "${env:HABILIS_CLIENT_TRUST_PEM}",
      description = "Extra trust anchor(s) for the CA's HTTPS, PEM (env HABILIS_CLIENT_TRUST_PEM), e.g. habilis-data/certs/root.pem.")
  Path trustPem;

  @Option(names = "--state-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
      defaultValue = "${env:HABILIS_CLIENT_STATE_DIR:-${sys:user.home}/.habilis}",
      description = "Account and managed certificates (env HABILIS_CLIENT_STATE_DIR; default ~/.habilis).")
  Path stateDir;

  @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "5m", converter = Durations.class,
      description = "Give up an operation (retrying while the CA is unreachable) after this long (default 5m).")
  Duration timeout;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log what the SDK does (INFO) on stderr; --daemon always does.")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "No progress lines.")
  boolean quiet;

  StateDirectory state() throws IOException {
    return StateDirectory.open(stateDir);
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Progress lines on stderr (unless --quiet). */
  ProgressListener progress() {
    if (quiet) return ProgressListener.NONE;
    PrintWriter err = err();
    return (step, message) -> {
      err.println("  ... " + message);
      err.flush();
    };
  }

  ClientSettings settings() {
    return ClientSettings.defaults().withOperationTimeout(timeout);
  }

  HabilisClient connect(URI url) throws IOException, HabilisException {
    Trust trust = trustPem == null ? Trust.systemDefault() : Trust.withPem(trustPem);
    return HabilisClient.connect(url, trust, settings());
  }

  /** The account stored in the state directory; a usage error when there is none. */
  static StateDirectory.Account storedAccount(StateDirectory state) throws Exception {
    Optional<StateDirectory.Account> stored = state.account();
    if (stored.isEmpty()) {
      throw new HabilisCli.UsageException("no account in " + state.root() + ": run 'habilis account register' first");
    }
    return stored.get();
  }

  /** The registered account of the state directory, logged in at its CA. */
  HabilisAccount account(StateDirectory state) throws Exception {
    StateDirectory.Account a = storedAccount(state);
    if (directory != null && !directory.equals(a.directory())) {
      throw new HabilisCli.UsageException("the state directory " + state.root() + " holds an account at " + a.directory()
          + ", not " + directory + ": use another --state-dir");
    }
    return connect(a.directory()).login(a.location(), a.key());
  }
}
