package fr.habilis.ca;

/** Runs the demo seeding (test environment only) and renders what a newcomer needs. */
final class Demo {
  private Demo() {}

  static String run(ServerContext ctx) {
    return "(demo seeding arrives with the registry)";
  }
}
