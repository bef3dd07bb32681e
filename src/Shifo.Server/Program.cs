using Shifo.Server.Hosting;

var app = ShifoServer.Build(args);
try
{
    await app.RunAsync();
}
catch (ProductionRefusedException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}
return 0;
