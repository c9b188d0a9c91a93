# Built by scripts/build-addon.mjs, which finds oneDNN and passes its folders in the environment.
{
  "targets": [
    {
      "target_name": "native_kernels",
      "sources": ["src/addon.cc"],
      "include_dirs": ["<!(node -p \"process.env.TRANSLATE_DNNL_INCLUDE || '/usr/include'\")"],
      "libraries": [
        "-L<!(node -p \"process.env.TRANSLATE_DNNL_LIB || '/usr/lib'\")",
        "-Wl,-rpath,<!(node -p \"process.env.TRANSLATE_DNNL_LIB || '/usr/lib'\")",
        "-ldnnl"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-O3", "-std=c++17", "-fexceptions", "-fopenmp", "-ffp-contract=off"],
      "ldflags": ["-fopenmp"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
