diagnostics {
  error {
    # An argument named "c" is not expected here.
    from {
      line   = 3
      column = 1
      byte   = 28
    }
    to {
      line   = 3
      column = 2
      byte   = 29
    }
  }
}
