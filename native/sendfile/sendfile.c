// Copies a byte range of an open file to a connected socket with Linux sendfile(2), on a
// thread of its own, and reports back to JavaScript when done.
//
// Why native: Node.js has no API for sendfile. Serving a layer through JavaScript reads every
// byte from the page cache into a user buffer and writes it back into the socket, and with a
// client that reads slowly (skopeo hashing and writing as it goes) the socket takes each
// chunk in many partial writes. sendfile moves page-cache pages into the socket without
// either copy, which is what Go's net/http (and so the reference registry) does.
//
// Why a thread per transfer and not the event loop: sendfile reads the file, and a file that
// is not in the page cache blocks the caller on the disk. A thread of its own also keeps the
// transfer off libuv's shared pool, which Node needs for every fs call. The JavaScript side
// bounds how many run at once.
//
// Ownership: `send` dup()s both descriptors before it returns, and the thread closes only its
// copies. Node may close or reuse its own descriptor numbers at any time without this thread
// ever writing into some other file or connection. Because the copy keeps the connection open
// after Node closed its own, `send` returns a handle whose cancel() stops the thread (through a
// flag and a pipe that wakes its poll); the JavaScript side calls it when the socket closes.
#define _GNU_SOURCE  // pipe2
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <unistd.h>

// One sendfile call moves at most this much; the kernel caps a call near 2 GiB anyway.
#define MAX_CALL_BYTES (1 << 30)

// Shared by the thread and the JavaScript handle; freed when both let go, which both do on
// the JavaScript thread (the thread's side in `report`), so the count needs no atomics.
typedef struct {
  atomic_int cancelled;
  int done;
  int wake[2];
  int refs;
} control_t;

static void release_control(control_t *control) {
  control->refs -= 1;
  if (control->refs == 0) {
    free(control);
  }
}

typedef struct {
  control_t *control;
  int sock;
  int file;
  int64_t offset;
  int64_t remaining;
  int idle_ms;
  int64_t sent;
  // 0 when every byte was sent, else an errno (ETIMEDOUT when the peer stalled, ENODATA when
  // the file ended early, ECANCELED after cancel()).
  int error;
  napi_threadsafe_function done;
} transfer_t;

static void *run_transfer(void *arg) {
  transfer_t *t = arg;
  while (t->remaining > 0) {
    if (atomic_load(&t->control->cancelled)) {
      t->error = ECANCELED;
      break;
    }

    size_t want = t->remaining > MAX_CALL_BYTES ? MAX_CALL_BYTES : (size_t)t->remaining;
    off_t offset = (off_t)t->offset;
    ssize_t n = sendfile(t->sock, t->file, &offset, want);
    if (n > 0) {
      t->offset += n;
      t->remaining -= n;
      t->sent += n;
      continue;
    }

    if (n == 0) {
      t->error = ENODATA;
      break;
    }

    if (errno == EINTR) {
      continue;
    }

    if (errno != EAGAIN) {
      t->error = errno;
      break;
    }

    // The socket's send buffer is full: wait until the peer reads (at most idle_ms) or
    // cancel() writes to the wake pipe.
    struct pollfd ready[2] = {{.fd = t->sock, .events = POLLOUT, .revents = 0},
                              {.fd = t->control->wake[0], .events = POLLIN, .revents = 0}};
    int polled = poll(ready, 2, t->idle_ms);
    if (polled == 0) {
      t->error = ETIMEDOUT;
      break;
    }

    if (polled < 0 && errno != EINTR) {
      t->error = errno;
      break;
    }
    // POLLERR or POLLHUP: the next sendfile reports the error itself (EPIPE, ECONNRESET).
  }

  close(t->sock);
  close(t->file);
  // `report` frees t on the JavaScript thread, possibly before the call below returns.
  napi_threadsafe_function done = t->done;
  napi_call_threadsafe_function(done, t, napi_tsfn_blocking);
  napi_release_threadsafe_function(done, napi_tsfn_release);
  return NULL;
}

// Runs on the JavaScript thread: callback(errno, bytesSent).
static void report(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  transfer_t *t = data;
  control_t *control = t->control;
  control->done = 1;
  close(control->wake[0]);
  close(control->wake[1]);
  release_control(control);
  if (env != NULL && callback != NULL) {
    napi_value undefined;
    napi_value args[2];
    napi_get_undefined(env, &undefined);
    napi_create_int32(env, t->error, &args[0]);
    napi_create_double(env, (double)t->sent, &args[1]);
    napi_call_function(env, undefined, callback, 2, args, NULL);
  }

  free(t);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release_control(data);
}

// cancel(handle): stops a running transfer; its callback then reports ECANCELED.
static napi_value cancel_transfer(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 ||
      napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_error(env, "EINVAL", "cancel(handle)");
    return NULL;
  }

  control_t *control = data;
  if (!control->done) {
    atomic_store(&control->cancelled, 1);
    ssize_t woke = write(control->wake[1], "x", 1);
    (void)woke;  // A full pipe already wakes the thread.
  }

  return NULL;
}

static napi_value fail(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

static int get_int64(napi_env env, napi_value value, int64_t *out) {
  return napi_get_value_int64(env, value, out) == napi_ok;
}

// Frees a transfer that never started, with its control block.
static void discard(transfer_t *t) {
  close(t->control->wake[0]);
  close(t->control->wake[1]);
  free(t->control);
  free(t);
}

// send(socketFd, fileFd, offset, length, idleMs, callback) -> handle for cancel()
static napi_value send_file(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6) {
    return fail(env, "EINVAL", "send(socketFd, fileFd, offset, length, idleMs, callback)");
  }

  int64_t sock, file, offset, length, idle;
  if (!get_int64(env, argv[0], &sock) || !get_int64(env, argv[1], &file) ||
      !get_int64(env, argv[2], &offset) || !get_int64(env, argv[3], &length) ||
      !get_int64(env, argv[4], &idle) || sock < 0 || file < 0 || offset < 0 || length < 0 ||
      idle <= 0 || idle > INT32_MAX || sock > INT32_MAX || file > INT32_MAX) {
    return fail(env, "EINVAL", "send: descriptors, offset and length must be whole numbers >= 0");
  }

  napi_valuetype kind;
  napi_typeof(env, argv[5], &kind);
  if (kind != napi_function) {
    return fail(env, "EINVAL", "send: the last argument must be a callback");
  }

  transfer_t *t = calloc(1, sizeof(transfer_t));
  control_t *control = calloc(1, sizeof(control_t));
  if (t == NULL || control == NULL) {
    free(t);
    free(control);
    return fail(env, "ENOMEM", "send: out of memory");
  }

  if (pipe2(control->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    free(t);
    free(control);
    return fail(env, "EMFILE", "send: cannot create the cancel pipe");
  }

  atomic_init(&control->cancelled, 0);
  control->refs = 1;
  t->control = control;

  t->sock = fcntl((int)sock, F_DUPFD_CLOEXEC, 0);
  t->file = t->sock < 0 ? -1 : fcntl((int)file, F_DUPFD_CLOEXEC, 0);
  if (t->sock < 0 || t->file < 0) {
    if (t->sock >= 0) {
      close(t->sock);
    }
    discard(t);
    return fail(env, "EBADF", "send: a descriptor is not open");
  }

  t->offset = offset;
  t->remaining = length;
  t->idle_ms = (int)idle;

  napi_value name;
  napi_create_string_utf8(env, "moat-sendfile", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[5], NULL, name, 0, 1, NULL, NULL, NULL, report,
                                      &t->done) != napi_ok) {
    close(t->sock);
    close(t->file);
    discard(t);
    return fail(env, "EIO", "send: cannot create the completion callback");
  }

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // The loop needs little stack; a small one keeps many transfers cheap.
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t thread;
  int started = pthread_create(&thread, &attr, run_transfer, t);
  pthread_attr_destroy(&attr);
  if (started != 0) {
    napi_release_threadsafe_function(t->done, napi_tsfn_abort);
    close(t->sock);
    close(t->file);
    discard(t);
    return fail(env, "EAGAIN", "send: cannot start a thread");
  }

  // The handle holds the second reference to the control block.
  control->refs += 1;
  napi_value handle;
  if (napi_create_external(env, control, finalize_handle, NULL, &handle) != napi_ok) {
    control->refs -= 1;
    napi_get_null(env, &handle);
  }

  return handle;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "send", NAPI_AUTO_LENGTH, send_file, NULL, &fn);
  napi_set_named_property(env, exports, "send", fn);
  napi_create_function(env, "cancel", NAPI_AUTO_LENGTH, cancel_transfer, NULL, &fn);
  napi_set_named_property(env, exports, "cancel", fn);
  return exports;
}
