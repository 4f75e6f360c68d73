package fr.habilis.ca;

/** Placeholder entry point replaced below. */
public final class Main {
  public static void main(String[] args) {}
}
