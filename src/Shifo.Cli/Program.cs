// The `shifo` command: all logic lives in CliApp so that tests can drive it in-process.
return Shifo.Cli.CliApp.Run(args, Console.Out, Console.Error);
