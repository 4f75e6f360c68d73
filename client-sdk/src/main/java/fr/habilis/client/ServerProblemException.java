package fr.habilis.client;

/**
 * The CA server refused the request with an ACME problem document (RFC 8555 §6.7, RFC 7807):
 * {@link #problem()} has its type, detail and one subproblem per refused identifier, with the
 * habilitation rule that refused it, so that a UI can show the server's own reason.
 */
public class ServerProblemException extends HabilisException {
  private static final long serialVersionUID = 1L;
  private final AcmeProblem problem;

  public ServerProblemException(AcmeProblem problem) {
    super(problem.describe());
    this.problem = problem;
  }

  public AcmeProblem problem() {
    return problem;
  }

  /** The problem's short type, e.g. {@code rejectedIdentifier}, {@code badCSR}, {@code unauthorized}. */
  public String type() {
    return problem.shortType();
  }
}
