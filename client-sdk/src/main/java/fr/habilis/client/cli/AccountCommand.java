package fr.habilis.client.cli;

import fr.habilis.client.EabCredential;
import fr.habilis.client.HabilisAccount;
import fr.habilis.client.HabilisClient;
import fr.habilis.client.KeyType;
import fr.habilis.client.renewal.StateDirectory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code habilis account …}: the ACME account bound to a habilitated administrator. */
@Command(name = "account", description = "Bind or show this machine's ACME account.",
    mixinStandardHelpOptions = true, subcommands = {AccountCommand.Register.class, AccountCommand.Show.class})
final class AccountCommand {

  /** {@code account register}. */
  @Command(name = "register", mixinStandardHelpOptions = true, footer = ExitCode.HELP,
      description = {"Creates the ACME account, bound with the EAB credential the RA gave the administrator.",
          "The account key is made here and kept in the state directory (owner-only)."})
  static final class Register implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--eab-kid", required = true, paramLabel = "KID", description = "The EAB key id from the RA.")
    String eabKid;

    @Option(names = "--eab-hmac-key-file", paramLabel = "FILE",
        description = "File holding the EAB HMAC key (else env HABILIS_CLIENT_EAB_HMAC_KEY; never on the command line).")
    Path hmacKeyFile;

    @Option(names = "--contact", paramLabel = "EMAIL", description = "Contact e-mail for the account (repeatable).")
    List<String> contacts = new ArrayList<>();

    @Option(names = "--account-key-type", paramLabel = "TYPE", defaultValue = "EC_P256",
        description = "Account key: EC_P256 (default), EC_P384, RSA_2048, RSA_3072, RSA_4096.")
    String accountKeyType;

    @Override
    public Integer call() throws Exception {
      GlobalOptions g = GlobalOptions.of(spec);
      if (g.directory == null) throw new HabilisCli.UsageException("--directory (or HABILIS_CLIENT_DIRECTORY) is required to register");
      EabCredential eab;
      if (hmacKeyFile != null) {
        eab = EabCredential.withKeyFile(eabKid, hmacKeyFile);
      } else {
        String env = System.getenv("HABILIS_CLIENT_EAB_HMAC_KEY");
        if (env == null) throw new HabilisCli.UsageException("give the HMAC key with --eab-hmac-key-file FILE or HABILIS_CLIENT_EAB_HMAC_KEY");
        eab = EabCredential.of(eabKid, env);
      }
      KeyType type = KeyType.parse(accountKeyType);
      StateDirectory state = g.state();
      try (AutoCloseable lock = state.lock()) {
        if (state.account().isPresent()) {
          throw new HabilisCli.UsageException("the state directory " + state.root() + " already holds an account ("
              + state.account().get().location() + "); use another --state-dir for another account");
        }
        HabilisClient client = g.connect(g.directory);
        HabilisAccount account = client.register(eab, type.generate(), contacts);
        state.saveAccount(g.directory, account.location(), account.accountKey());
        g.out().println("Account " + account.location());
        g.out().println("  bound with " + eab.keyId() + "; key and URL saved in " + state.root().resolve("account"));
      }
      return ExitCode.OK;
    }
  }

  /** {@code account show}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows the stored account.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      GlobalOptions g = GlobalOptions.of(spec);
      StateDirectory state = g.state();
      StateDirectory.Account a = GlobalOptions.storedAccount(state);
      g.out().println("Account   " + a.location());
      g.out().println("Directory " + a.directory());
      g.out().println("State     " + state.root());
      return ExitCode.OK;
    }
  }
}
