// The floor for the start-up benchmark: a GTK window with a WebKit view painting a trivial page,
// reporting its second animation frame the way styrkort-app reports its first scorecard
// (STYRKORT_STARTUP_REPORT), so scripts/measure-app.py measures it the same way. FLOOR_NEVER=1 and
// FLOOR_VIEWER=1 try WebKit settings (no acceleration; the document-viewer cache model).
// Build: cc -O2 scripts/webkit-floor.c -o webkit-floor $(pkg-config --cflags --libs webkit2gtk-4.1)
#include <gtk/gtk.h>
#include <webkit2/webkit2.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

static void on_title(WebKitWebView *v, GParamSpec *p, gpointer d) {
  const char *t = webkit_web_view_get_title(v);
  if (!t || g_strcmp0(t, "painted") != 0) return;
  const char *path = getenv("STYRKORT_STARTUP_REPORT");
  if (!path) return;
  struct timeval tv; gettimeofday(&tv, NULL);
  FILE *f = fopen(path, "a");
  if (f) { fprintf(f, "%lld %d 0 0 0\n", (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000, getpid()); fclose(f); }
}

int main(int argc, char **argv) {
  gtk_init(&argc, &argv);
  GtkWidget *w = gtk_window_new(GTK_WINDOW_TOPLEVEL);
  gtk_window_set_default_size(GTK_WINDOW(w), 1280, 800);
  if (getenv("FLOOR_VIEWER")) webkit_web_context_set_cache_model(webkit_web_context_get_default(), WEBKIT_CACHE_MODEL_DOCUMENT_VIEWER);
  GtkWidget *v = webkit_web_view_new();
  if (getenv("FLOOR_NEVER")) webkit_settings_set_hardware_acceleration_policy(webkit_web_view_get_settings(WEBKIT_WEB_VIEW(v)), WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);
  gtk_container_add(GTK_CONTAINER(w), v);
  g_signal_connect(v, "notify::title", G_CALLBACK(on_title), NULL);
  g_signal_connect(w, "destroy", G_CALLBACK(gtk_main_quit), NULL);
  webkit_web_view_load_html(WEBKIT_WEB_VIEW(v),
    "<!doctype html><html><body><h1>Styrkort</h1><script>requestAnimationFrame(()=>requestAnimationFrame(()=>{document.title='painted'}))</script></body></html>",
    "file:///");
  gtk_widget_show_all(w);
  gtk_main();
  return 0;
}
