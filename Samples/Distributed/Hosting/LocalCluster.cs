using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using SourceGrad.Data;

namespace SourceGrad.Samples.Distributed.Hosting;

/// <summary>
/// An Orleans cluster of several silos in this one process, on localhost (the first silo is the primary the others
/// join, Orleans' development clustering): what a real cluster is, minus the machines. Each silo gets the data set as a
/// service, as each machine of a real cluster would read its own copy. docs/scale.md says what changes for a real one.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos;

    private LocalCluster(List<IHost> silos, IReadOnlyList<SiloAddress> addresses)
    {
        _silos = silos;
        SiloAddresses = addresses;
    }

    /// <summary>The silos' addresses, in the order they started (the primary first).</summary>
    public IReadOnlyList<SiloAddress> SiloAddresses { get; }

    /// <summary>The grain factory of the primary silo: the coordinator runs in that silo's process and calls through it.</summary>
    public IGrainFactory Grains => _silos[0].Services.GetRequiredService<IGrainFactory>();

    /// <summary>Starts <paramref name="silos"/> silos, one after the other, on free localhost ports.</summary>
    public static async Task<LocalCluster> StartAsync(int silos, MnistDataSet data, CancellationToken cancellation = default)
    {
        if (silos < 1)
            throw new ArgumentOutOfRangeException(nameof(silos), silos, $"{nameof(silos)} must be at least 1, but was {silos}.");
        ArgumentNullException.ThrowIfNull(data);
        string clusterId = $"sourcegrad-{Guid.NewGuid():N}";
        var hosts = new List<IHost>();
        var addresses = new List<SiloAddress>();
        IPEndPoint? primary = null;
        try
        {
            for (int i = 0; i < silos; i++)
            {
                int siloPort = FreePort(), gatewayPort = FreePort();
                IPEndPoint? primaryEndpoint = primary;
                IHost host = new HostBuilder()
                    .UseOrleans(silo => silo
                        .UseLocalhostClustering(siloPort, gatewayPort, primaryEndpoint, serviceId: "sourcegrad-distributed", clusterId: clusterId)
                        .Configure<SiloOptions>(options => options.SiloName = $"silo{i}"))
                    .ConfigureServices(services => services.AddSingleton(data))
                    .Build();
                hosts.Add(host);
                await host.StartAsync(cancellation);
                primary ??= new IPEndPoint(IPAddress.Loopback, siloPort);
                addresses.Add(host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress);
            }
        }
        catch
        {
            await StopAll(hosts);
            throw;
        }

        return new LocalCluster(hosts, addresses);
    }

    public async ValueTask DisposeAsync() => await StopAll(_silos);

    private static async Task StopAll(List<IHost> hosts)
    {
        // The others first, the primary last, so no silo waits for a primary that has gone.
        for (int i = hosts.Count - 1; i >= 0; i--)
        {
            await hosts[i].StopAsync();
            hosts[i].Dispose();
        }

        hosts.Clear();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
