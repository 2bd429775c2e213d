{
  "targets": [
    {
      "target_name": "moat_sendfile",
      "sources": ["sendfile.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
