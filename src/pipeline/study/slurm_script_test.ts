import assert from "node:assert/strict";
import { parseSlurmSettings, renderArrayScript } from "./slurm_script.ts";

const base = {
  name: "tiny",
  studyDir: "/shared/studies/tiny",
  checkout: "/shared/digitkit",
  deno: "/opt/deno/bin/deno",
  cells: [0, 1, 2, 7],
  resources: { cpus: 2, memMiB: 6144, minutes: 1560 },
};

async function bashSyntax(script: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".sh" });
  try {
    await Deno.writeTextFile(path, script);
    const out = await new Deno.Command("bash", { args: ["-n", path] }).output();
    return new TextDecoder().decode(out.stderr);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("array script: every study-file setting becomes an #SBATCH line; bash accepts it", async () => {
  const settings = parseSlurmSettings({
    partition: "cpu",
    account: "digits-lab",
    qos: "normal",
    sbatch: ["--constraint=avx2", "--mail-type=FAIL"],
    setup: ["module load deno/2.9.6"],
  }, "study.yaml");
  const script = renderArrayScript({ ...base, settings });
  const directives = script.split("\n").filter((l) => l.startsWith("#SBATCH "));
  assert.deepEqual(directives.map((l) => l.slice(8)), [
    "--job-name=digitkit-tiny",
    "--array=0-2,7",
    "--cpus-per-task=2",
    "--mem=6144M",
    "--time=1-02:00:00",
    "--output=/shared/studies/tiny/slurm/logs/%a.out",
    "--error=/shared/studies/tiny/slurm/logs/%a.err",
    "--open-mode=append",
    "--requeue",
    "--partition=cpu",
    "--account=digits-lab",
    "--qos=normal",
    "--constraint=avx2",
    "--mail-type=FAIL",
  ]);
  // sbatch stops reading directives at the first command: all of them come first.
  const firstCommand = script.split("\n").findIndex((l) => l !== "" && !l.startsWith("#"));
  assert.ok(script.split("\n").slice(firstCommand).every((l) => !l.startsWith("#SBATCH")));
  assert.ok(script.includes("\nmodule load deno/2.9.6\n"));
  assert.ok(script.includes("src/backend/tensorflow/check.ts"));
  assert.equal(await bashSyntax(script), "");
});

Deno.test("array script: a wasm study skips the native backend check and passes --backend", async () => {
  const script = renderArrayScript({
    ...base,
    settings: parseSlurmSettings(undefined, "s"),
    backend: "wasm",
  });
  assert.ok(!script.includes("tensorflow/check.ts"));
  assert.match(
    script,
    /study cell \/shared\/studies\/tiny "\$SLURM_ARRAY_TASK_ID" --threads "\$threads" --backend wasm\n$/,
  );
  assert.equal(await bashSyntax(script), "");
});

Deno.test("array script: paths the #SBATCH lines cannot carry and bad settings are refused in one line", () => {
  const settings = parseSlurmSettings(undefined, "s");
  assert.throws(
    () => renderArrayScript({ ...base, settings, studyDir: "/shared/my studies/tiny" }),
    /\/shared\/my studies\/tiny: expected an absolute study folder path/,
  );
  assert.throws(
    () => parseSlurmSettings({ resources: { mdsist: { mem: "lots" } } }, "s.yaml"),
    /^InputError: s\.yaml: slurm\.resources\.mdsist\.mem: expected a size such as 4096 \(MiB\), 4096M or 4G, found "lots"$/,
  );
  assert.throws(
    () => parseSlurmSettings({ sbatch: ["constraint=avx2"] }, "s.yaml"),
    /slurm\.sbatch: expected sbatch options such as --constraint=avx2/,
  );
  assert.throws(() => parseSlurmSettings({ nodes: 4 }, "s.yaml"), /slurm\.nodes: expected one of/);
});
