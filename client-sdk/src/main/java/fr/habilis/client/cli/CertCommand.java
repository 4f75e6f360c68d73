package fr.habilis.client.cli;

import fr.habilis.client.CertificateRequest;
import fr.habilis.client.HabilisAccount;
import fr.habilis.client.IssuedCertificate;
import fr.habilis.client.KeyType;
import fr.habilis.client.Product;
import fr.habilis.client.RenewalWindow;
import fr.habilis.client.RevocationReason;
import fr.habilis.client.output.Pkcs12Format;
import fr.habilis.client.renewal.ManagedCertificate;
import fr.habilis.client.renewal.Outputs;
import fr.habilis.client.renewal.RenewalListener;
import fr.habilis.client.renewal.RenewalManager;
import fr.habilis.client.renewal.RenewalSettings;
import fr.habilis.client.renewal.RunReport;
import fr.habilis.client.renewal.StateDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code habilis cert …}: order, renew, revoke and inspect managed certificates. */
@Command(name = "cert", description = "Order, renew, revoke and inspect certificates.", mixinStandardHelpOptions = true,
    subcommands = {CertCommand.Order.class, CertCommand.Renew.class, CertCommand.Revoke.class, CertCommand.Status.class,
        CertCommand.ListCommand.class})
final class CertCommand {

  /** {@code cert order}. */
  @Command(name = "order", mixinStandardHelpOptions = true, footer = ExitCode.HELP,
      description = {"Orders a certificate for a key made here, writes it, and manages it for renewal.",
          "ORG_*: --structure and --cn (the service applicatif, e.g. INSI-AUTO); SERV_SSL: -d (first = CN);",
          "SERV_SMIME/SIGN/CONF: --email and --cn; PRO_*: --email (the CN comes from the RA's record of the professional)."})
  static final class Order implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--product", required = true, paramLabel = "PRODUCT",
        description = "ORG_AUTH_CLI, ORG_SIGN, ORG_CONF, SERV_SSL, SERV_SMIME, SERV_SIGN, SERV_CONF, PRO_AUTH, PRO_SIGN, PRO_CONF.")
    String product;

    @Option(names = "--structure", paramLabel = "ID", description = "National structure identifier (type prefix + value, e.g. 318751275100020).")
    String structure;

    @Option(names = {"-d", "--domain"}, paramLabel = "FQDN", description = "DNS name (SERV_SSL; repeatable).")
    List<String> domains = new ArrayList<>();

    @Option(names = "--email", paramLabel = "ADDRESS", description = "E-mail address (SERV S/MIME, PRO; repeatable).")
    List<String> emails = new ArrayList<>();

    @Option(names = "--cn", paramLabel = "CN", description = "Service applicatif (ORG, SERV S/MIME). PRO: omit it (the CA takes the professional's CN from the RA's record).")
    String cn;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "RSA_2048",
        description = "RSA_2048 (default, what IGC-Sante consumers expect), RSA_3072, RSA_4096, EC_P256, EC_P384.")
    String keyType;

    @Option(names = "--name", paramLabel = "NAME", description = "Name of the managed certificate (default: product and identifiers).")
    String name;

    @Option(names = "--p12", paramLabel = "FILE", description = "Write a PKCS#12 file (key, certificate, chain).")
    Path p12;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the PKCS#12 password.")
    Path passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Environment variable holding the PKCS#12 password.")
    String passwordEnv;

    @Option(names = "--p12-format", paramLabel = "FORMAT", defaultValue = "MODERN",
        description = "MODERN (PBES2/AES-256, default) or LEGACY (3DES/RC2, SHA-1 MAC) for old consumers.")
    Pkcs12Format p12Format;

    @Option(names = "--friendly-name", paramLabel = "NAME", description = "PKCS#12 friendly name (default: the certificate's name).")
    String friendlyName;

    @Option(names = "--pem-dir", paramLabel = "DIR", description = "Write cert.pem, chain.pem, fullchain.pem, privkey.pem here.")
    Path pemDir;

    @Option(names = "--hook", paramLabel = "COMMAND", description = "Command run (sh -c) after each issuance, e.g. to reload a server.")
    String hook;

    @Override
    public Integer call() throws Exception {
      GlobalOptions g = GlobalOptions.of(spec);
      CertificateRequest.Builder b = CertificateRequest.of(Product.parse(product)).keyType(KeyType.parse(keyType));
      if (structure != null) b.structure(structure);
      if (!domains.isEmpty()) b.dns(domains);
      if (!emails.isEmpty()) b.email(emails);
      if (cn != null) b.commonName(cn);
      CertificateRequest request = b.build();
      String certName = ManagedCertificate.checkName(name != null ? name : ManagedCertificate.defaultName(request));
      Outputs outputs = outputs(certName);
      readablePassword(outputs);
      StateDirectory state = g.state();
      HabilisAccount account = g.account(state);
      PrintWriter err = g.err();
      RenewalManager manager = new RenewalManager(account, state, RenewalSettings.defaults()).withListener(new RenewalListener() {
        @Override
        public void progress(String n, fr.habilis.client.ProgressListener.Step step, String message) {
          g.progress().progress(step, message);
        }
      });
      if (!g.quiet) {
        err.println("Ordering " + request.product() + " as '" + certName + "' (" + request.keyType() + " key made here)");
        err.flush();
      }
      ManagedCertificate entry = manager.obtain(certName, request, outputs, hook);
      PrintWriter out = g.out();
      out.println("Issued " + request.product() + " serial " + entry.serial() + ", valid until " + entry.notAfter());
      outputs.p12().ifPresent(p -> out.println("  PKCS#12  " + p + " (" + outputs.p12Format() + ")"));
      outputs.pemDir().ifPresent(p -> out.println("  PEM      " + p));
      out.println("  managed as '" + certName + "': 'habilis cert renew --all' (cron, systemd timer or --daemon) renews it");
      return ExitCode.OK;
    }

    /** An unreadable password is bad input (exit 2), found before anything is ordered. */
    static void readablePassword(Outputs o) throws HabilisCli.UsageException {
      if (o.p12().isEmpty()) return;
      try {
        java.util.Arrays.fill(o.readPassword(), '\0');
      } catch (java.io.IOException e) {
        throw new HabilisCli.UsageException(e.getMessage());
      }
    }

    private Outputs outputs(String certName) throws HabilisCli.UsageException {
      if (p12 == null && pemDir == null) throw new HabilisCli.UsageException("choose an output: --p12 FILE and/or --pem-dir DIR");
      if (p12 == null && (passwordFile != null || passwordEnv != null)) {
        throw new HabilisCli.UsageException("--password-file/--password-env go with --p12");
      }
      Outputs o = null;
      if (p12 != null) {
        if ((passwordFile == null) == (passwordEnv == null)) {
          throw new HabilisCli.UsageException("--p12 needs exactly one of --password-file FILE or --password-env VAR");
        }
        String friendly = friendlyName != null ? friendlyName : certName;
        o = passwordFile != null ? Outputs.pkcs12(p12, passwordFile, p12Format, friendly)
            : Outputs.pkcs12FromEnv(p12, passwordEnv, p12Format, friendly);
      }
      if (pemDir != null) o = o == null ? Outputs.pem(pemDir) : o.andPem(pemDir);
      return o;
    }
  }

  /** {@code cert renew}. */
  @Command(name = "renew", mixinStandardHelpOptions = true, footer = ExitCode.HELP,
      description = {"Renews managed certificates whose renewal window has opened (the CA's ARI window, else",
          "one third of the lifetime before expiry, at most 60 days), with a new key; runs their hooks.",
          "One-shot for cron or a systemd timer, or --daemon to stay and wake at the next window."})
  static final class Renew implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Managed certificates to renew (or --all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "Every managed certificate.")
    boolean all;

    @Option(names = "--force", description = "Renew now, whatever the window.")
    boolean force;

    @Option(names = "--renew-before", paramLabel = "DURATION", converter = Durations.class,
        description = "Renew when less than this is left, instead of the window (e.g. 90d).")
    Duration renewBefore;

    @Option(names = "--alert-before", paramLabel = "DURATION", converter = Durations.class, defaultValue = "30d",
        description = "A failing renewal with less than this left is an ALERT (exit 6, log at ERROR). Default 30d.")
    Duration alertBefore;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "Renewals at a time (default 4).")
    int concurrency;

    @Option(names = "--daemon", description = "Keep running: renew, sleep until the next window (with jitter), repeat.")
    boolean daemon;

    @Override
    public Integer call() throws Exception {
      GlobalOptions g = GlobalOptions.of(spec);
      if (all == !names.isEmpty() && !daemon) throw new HabilisCli.UsageException("name the certificates to renew, or --all");
      if (concurrency < 1 || concurrency > 64) throw new HabilisCli.UsageException("--concurrency must be 1 to 64");
      StateDirectory state = g.state();
      HabilisAccount account = g.account(state);
      RenewalSettings settings = RenewalSettings.defaults().withConcurrency(concurrency).withAlertBefore(alertBefore);
      if (renewBefore != null) settings = settings.withRenewBefore(renewBefore);
      PrintWriter out = g.out();
      RenewalManager manager = new RenewalManager(account, state, settings).withListener(new RenewalListener() {
        @Override
        public void renewed(ManagedCertificate previous, IssuedCertificate issued) {
          synchronized (out) {
            out.println(previous.name() + ": renewed, serial " + issued.serialHex() + " replaces " + previous.serial()
                + ", valid until " + issued.notAfter());
            out.flush();
          }
        }
      });
      if (daemon) {
        AtomicBoolean stop = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true)));
        if (!g.quiet) g.err().println("Renewal daemon on " + state.root() + " (Ctrl-C to stop)");
        g.err().flush();
        manager.runDaemon(stop::get);
        return ExitCode.OK;
      }
      long start = System.nanoTime();
      RunReport report = all ? manager.runAll(force) : manager.run(names, force);
      for (RunReport.Line l : report.lines()) {
        if (l.outcome() != RunReport.Outcome.RENEWED) out.println(l);
      }
      out.printf("%d renewed, %d not due, %d failed%s in %.1f s%n", report.count(RunReport.Outcome.RENEWED)
          + report.count(RunReport.Outcome.RENEWED_HOOK_FAILED), report.count(RunReport.Outcome.NOT_DUE),
          report.count(RunReport.Outcome.FAILED) + report.count(RunReport.Outcome.ALERT),
          report.hasAlerts() ? " (" + report.count(RunReport.Outcome.ALERT) + " ALERT)" : "", (System.nanoTime() - start) / 1e9);
      if (report.hasAlerts()) return ExitCode.ALERT;
      return report.hasFailures() ? ExitCode.FAILED : ExitCode.OK;
    }
  }

  /** {@code cert revoke}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true, footer = ExitCode.HELP,
      description = "Revokes a managed certificate's current certificate (it is then no longer renewed).")
  static final class Revoke implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
        description = "unspecified, keyCompromise (loss or theft of the key: it can never be certified again), "
            + "affiliationChanged, superseded, cessationOfOperation.")
    String reason;

    @Override
    public Integer call() throws Exception {
      GlobalOptions g = GlobalOptions.of(spec);
      RevocationReason r = RevocationReason.parse(reason);
      StateDirectory state = g.state();
      ManagedCertificate entry = state.load(name);
      new RenewalManager(g.account(state), state, RenewalSettings.defaults()).revoke(name, r);
      g.out().println(name + ": serial " + entry.serial() + " revoked (" + r.rfcName() + ")");
      return ExitCode.OK;
    }
  }

  /** {@code cert status}. */
  @Command(name = "status", mixinStandardHelpOptions = true, footer = ExitCode.HELP,
      description = "Days left, revocation status (OCSP, else CRL) and renewal window of a managed certificate.")
  static final class Status implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws Exception {
      GlobalOptions g = GlobalOptions.of(spec);
      StateDirectory state = g.state();
      ManagedCertificate e = state.load(name);
      List<X509Certificate> chain = state.chain(name);
      X509Certificate cert = chain.get(0);
      HabilisAccount account = g.account(state);
      RenewalWindow window = new RenewalManager(account, state, RenewalSettings.defaults()).window(e, cert);
      PrintWriter out = g.out();
      Duration left = Duration.between(Instant.now(), e.notAfter());
      out.println(e.name() + "  " + e.template().product() + "  " + cert.getSubjectX500Principal().getName());
      out.println("  serial      " + e.serial());
      out.println("  valid until " + e.notAfter() + " (" + (left.isNegative() ? "EXPIRED" : left.toDays() + " days left") + ")");
      out.println("  revocation  " + StatusLine.revocation(chain));
      out.println("  renewal     " + window + ", this certificate at " + window.pick(cert.getSerialNumber().longValue())
          + (window.fromServer() ? " (from the CA's renewalInfo)" : " (margin before expiry)"));
      if (e.revoked().isPresent()) out.println("  revoked     " + e.revoked().get() + " (no longer renewed)");
      if (e.failures() > 0) {
        out.println("  failing     " + e.failures() + " run(s): " + e.lastError().orElse("") + e.nextAttempt().map(n -> "; next attempt " + n).orElse(""));
      }
      out.println("  renewals    " + e.history().size());
      return ExitCode.OK;
    }
  }

  /** {@code cert list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the managed certificates.")
  static final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      GlobalOptions g = GlobalOptions.of(spec);
      StateDirectory state = g.state();
      PrintWriter out = g.out();
      List<String> names = state.names();
      if (names.isEmpty()) out.println("no managed certificate in " + state.root());
      for (String n : names) {
        ManagedCertificate e = state.load(n);
        long days = Duration.between(Instant.now(), e.notAfter()).toDays();
        out.printf("%-40s %-12s %-24s until %s (%d days)%s%n", n, e.template().product(), e.serial(), e.notAfter(), days,
            e.revoked().isPresent() ? " REVOKED" : e.failures() > 0 ? " FAILING" : "");
      }
      return ExitCode.OK;
    }
  }
}
