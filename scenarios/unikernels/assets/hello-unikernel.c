/*
 * hello-unikernel: the application that is the whole user space of a tiny virtual machine.
 *
 * Booted as /init of an initramfs, it is PID 1: it mounts /proc itself (no init system does it
 * for it), says hello, shows what runs and what is on its disk, and powers the machine off when
 * its work is done. Run as an ordinary process, it only says hello and exits.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Processes with a command line: user-space programs (kernel threads have none). */
static int count_user_processes(void) {
  DIR *proc = opendir("/proc");
  if (proc == NULL) return -1;
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/cmdline", entry->d_name);
    FILE *cmdline = fopen(path, "r");
    if (cmdline == NULL) continue;
    if (fgetc(cmdline) != EOF) count++;
    fclose(cmdline);
  }
  closedir(proc);
  return count;
}

static void list_root(void) {
  DIR *root = opendir("/");
  if (root == NULL) return;
  printf("  / holds:");
  struct dirent *entry;
  while ((entry = readdir(root)) != NULL) {
    if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) printf(" %s", entry->d_name);
  }
  printf("\n");
  closedir(root);
}

int main(void) {
  pid_t pid = getpid();
  if (pid == 1) {
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
  }

  struct utsname uts;
  uname(&uts);
  char uptime[32] = "?";
  FILE *file = fopen("/proc/uptime", "r");
  if (file != NULL) {
    if (fscanf(file, "%31s", uptime) != 1) strcpy(uptime, "?");
    fclose(file);
  }

  printf("HELLO-UNIKERNEL pid=%d kernel=%s uptime=%ss user-processes=%d\n", (int)pid, uts.release, uptime,
         count_user_processes());
  list_root();

  if (pid != 1) {
    printf("  not PID 1: an ordinary process in a full OS, so it just exits\n");
    return 0;
  }
  printf("  work done: powering off\n");
  fflush(stdout);
  sync();
  reboot(RB_POWER_OFF);
  reboot(RB_AUTOBOOT); /* if ACPI power-off is missing; QEMU's -no-reboot turns a reboot into an exit */
  return 1;
}
