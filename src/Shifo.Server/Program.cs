using Shifo.Server.Hosting;

var app = ShifoServer.Build(args);
await app.RunAsync();
