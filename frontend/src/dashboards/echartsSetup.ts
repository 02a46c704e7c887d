// The ECharts parts the dashboards use, registered once; loaded lazily in its own chunk.
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, RadarChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart, LineChart, PieChart, FunnelChart, RadarChart, ScatterChart, HeatmapChart,
  GridComponent, TooltipComponent, LegendComponent, RadarComponent, VisualMapComponent, CanvasRenderer,
]);

export { echarts };
