package fr.habilis.client.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One in-process run of the CLI: exit code, stdout, stderr. */
record CliRun(int exit, String out, String err) {
  static CliRun of(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = HabilisCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(new String[0]));
    return new CliRun(exit, out.toString(), err.toString());
  }

  static CliRun of(String... args) {
    return of(List.of(args));
  }

  /** Global options first, then the command. */
  static CliRun with(List<String> global, String... args) {
    List<String> all = new ArrayList<>(global);
    all.addAll(List.of(args));
    return of(all);
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
  }
}
